// askChild, the one way probes question a child process: last stdout line, stderr tail, the
// deadline that kills a child that never answers, and a command that cannot be started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askChild, lastStderrLine } from '../../server/process/child-answer.js';

const node = process.execPath;

test('the last stdout line is the answer, banners before it are ignored, stderr keeps its tail', async () => {
  const answer = await askChild(node, ['-e', 'console.log("banner"); console.error("warn 1\\nwarn 2"); console.log("{\\"ok\\":1}")'], 20_000);
  assert.equal(answer.kind, 'exited');
  if (answer.kind !== 'exited') return;
  assert.equal(answer.code, 0);
  assert.equal(answer.lastLine, '{"ok":1}');
  assert.equal(lastStderrLine(answer), 'warn 2');
});

test('a child that outlives the deadline is killed and reported as a timeout', async () => {
  const started = Date.now();
  const answer = await askChild(node, ['-e', 'setInterval(() => {}, 1000)'], 300);
  assert.deepEqual(answer, { kind: 'timeout' });
  assert.ok(Date.now() - started < 15_000, 'askChild returned long after the deadline');
});

test('a command that does not exist is a spawn error with its code, not a throw', async () => {
  const answer = await askChild('/nonexistent/bin/prober', [], 5000);
  assert.equal(answer.kind, 'spawn-error');
  if (answer.kind === 'spawn-error') assert.equal(answer.error.code, 'ENOENT');
});

test('the exit code and an empty stderr are passed on', async () => {
  const answer = await askChild(node, ['-e', 'process.exit(3)'], 20_000);
  assert.deepEqual(answer, { kind: 'exited', code: 3, lastLine: '', stderrTail: '' });
  if (answer.kind === 'exited') assert.equal(lastStderrLine(answer), undefined);
});
