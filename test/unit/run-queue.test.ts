// The run queue (server/runs/run-queue.ts): slots up to the concurrency limit, FIFO waiting, leaving
// the queue, a growing limit, a shutdown's drain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunQueue } from '../../server/runs/run-queue.js';

test('runs take free slots, the rest wait in order and take slots as they free up', () => {
  const queue = new RunQueue(2);
  for (const id of ['a', 'b']) {
    assert.ok(queue.hasFreeSlot());
    queue.occupy(id);
  }
  assert.ok(!queue.hasFreeSlot());
  assert.equal(queue.enqueue('c'), 1);
  assert.equal(queue.enqueue('d'), 2);
  assert.equal(queue.enqueue('e'), 3);
  assert.deepEqual(queue.counts(), { running: 2, queued: 3 });
  assert.ok(queue.remove('d'));
  assert.ok(!queue.remove('d'), 'only a waiting run leaves the queue');
  assert.deepEqual(queue.release('a'), ['c']);
  assert.deepEqual(queue.release('c'), ['e']);
  assert.deepEqual(queue.release('b'), []);
  assert.deepEqual(queue.counts(), { running: 1, queued: 0 });
});

test('a larger limit starts waiting runs at once; a smaller one stops nothing; a drain empties the queue', () => {
  const queue = new RunQueue(1);
  queue.occupy('a');
  for (const id of ['b', 'c', 'd', 'e']) queue.enqueue(id);
  assert.deepEqual(queue.setLimit(3), ['b', 'c']);
  assert.deepEqual(queue.setLimit(1), []);
  assert.deepEqual(queue.counts(), { running: 3, queued: 2 });
  assert.deepEqual(queue.release('a'), [], 'still over the new limit');
  assert.deepEqual(queue.drain(), ['d', 'e']);
  assert.deepEqual(queue.release('b'), []);
});

test('a limit that is not a finite number ≥ 1 means one run at a time', () => {
  for (const limit of [undefined, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(new RunQueue(limit).maxConcurrent, 1, String(limit));
  assert.equal(new RunQueue(2.7).maxConcurrent, 2);
});
