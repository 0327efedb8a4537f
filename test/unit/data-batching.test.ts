// The machinery under every dataset: the in-order prefetch queue, the decode limiter, seeded
// permutations, and train_limit over an example source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { epochOrder, limitSource, type ExampleSource } from '../../server/data/batching.js';
import { createLimiter } from '../../server/data/limiter.js';
import { prefetchInOrder } from '../../server/data/prefetch.js';
import { SeededRandom, hashSeeds, permutation } from '../../server/data/random.js';

/** A promise plus the function that settles it, to control when work finishes. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

test('prefetch yields in order while up to `depth` items are prepared ahead', async () => {
  const started: number[] = [];
  const pending = new Map<number, ReturnType<typeof deferred<number>>>();
  const produce = (i: number): Promise<number> => {
    started.push(i);
    const d = deferred<number>();
    pending.set(i, d);
    return d.promise;
  };
  const iterator = prefetchInOrder(6, produce, 3)[Symbol.asyncIterator]();
  const first = iterator.next();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [0, 1, 2], 'three started before anything was consumed');
  // Finishing out of order does not reorder the output.
  pending.get(2)!.resolve(20);
  pending.get(1)!.resolve(10);
  pending.get(0)!.resolve(0);
  assert.deepEqual(await first, { value: 0, done: false });
  assert.deepEqual(started, [0, 1, 2, 3], 'the next one starts as soon as one is handed out');
  assert.equal((await iterator.next()).value, 10);
  assert.equal((await iterator.next()).value, 20);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
  for (const i of [3, 4, 5]) pending.get(i)!.resolve(i * 10);
  const rest: number[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
  assert.deepEqual(rest, [30, 40, 50]);
});

test('prefetch stops producing when the consumer stops, and passes errors on in place', async () => {
  let produced = 0;
  for await (const value of prefetchInOrder(100, async (i) => { produced++; return i; }, 2)) {
    if (value === 4) break;
  }
  assert.ok(produced <= 7, `${produced} produced for 5 consumed`);
  const seen: number[] = [];
  const failing = prefetchInOrder(5, async (i) => { if (i === 2) throw new Error('decode failed'); return i; }, 4);
  await assert.rejects((async () => { for await (const value of failing) seen.push(value); })(), /decode failed/);
  assert.deepEqual(seen, [0, 1]);
});

test('the limiter runs at most `concurrency` tasks at once, first come first served', async () => {
  const limiter = createLimiter(2);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  const task = (i: number) => limiter.run(async () => {
    active++;
    peak = Math.max(peak, active);
    await new Promise((resolve) => setImmediate(resolve));
    order.push(i);
    active--;
    return i;
  });
  assert.deepEqual(await Promise.all([0, 1, 2, 3, 4, 5].map(task)), [0, 1, 2, 3, 4, 5]);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  await assert.rejects(limiter.run(async () => { throw new Error('x'); }), /x/);
  assert.equal(await limiter.run(async () => 'still running'), 'still running');
});

test('seeded randomness: reproducible, distinct per key, and permutations are permutations', () => {
  const draw = (...seeds: number[]): number[] => { const r = new SeededRandom(...seeds); return [r.next(), r.next(), r.next()]; };
  assert.deepEqual(draw(1, 2), draw(1, 2));
  assert.notDeepEqual(draw(1, 2), draw(2, 1));
  assert.notEqual(hashSeeds(1), hashSeeds(1 + 2 ** 32), 'seeds beyond 32 bits still differ');
  assert.notEqual(hashSeeds(-1), hashSeeds(2 ** 32 - 1));
  const order = permutation(1000, new SeededRandom(5));
  assert.deepEqual(Array.from(order).sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(epochOrder(50, 7, 3), epochOrder(50, 7, 3));
  assert.notDeepEqual(epochOrder(50, 7, 3), epochOrder(50, 7, 4));
  const normals = Array.from({ length: 20000 }, (() => { const r = new SeededRandom(9); return () => r.normal(); })());
  const mean = normals.reduce((a, b) => a + b) / normals.length;
  const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length;
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
});

test('limitSource keeps the first N examples and ignores 0 or a limit beyond the size', () => {
  const source: ExampleSource = { size: 10, makeBatch: async (indices) => ({ x: new Float32Array(indices.length), y: Int32Array.from(indices), size: indices.length }) };
  assert.equal(limitSource(source, 4).size, 4);
  assert.equal(limitSource(source, 0), source);
  assert.equal(limitSource(source, 50), source);
});
