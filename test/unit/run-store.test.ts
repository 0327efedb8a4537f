// Run directories on disk: ids safe for file systems, events read back past a torn last line,
// listing newest first, and a run whose trainer vanished without a final state shown as killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { listRuns, newRunId, RunDirectory } from '../../server/rundir/store.js';
import type { RunSummary } from '../../server/protocol.js';

const summary = (runId: string, extra: Partial<RunSummary>): RunSummary => ({
  runId, name: runId, state: 'running', model: 'lenet-300-100', method: 'rigl', backend: 'cpu', step: 5, totalSteps: 10, epoch: 0.5,
  startedAt: 1, updatedAt: 1, sparsity: { global: 0.9, layers: [] }, ...extra,
});

test('run ids keep only file-system-safe characters and differ within one second', () => {
  const now = new Date(2026, 10, 24, 9, 5, 7);
  const id = newRunId('my run/../../etc: ä', now);
  assert.match(id, /^my-run-etc-20261124-090507-[0-9a-f]{4}$/);
  assert.notEqual(newRunId('x', now), newRunId('x', now));
});

test('events survive a torn last line; the summary round-trips', () => {
  const run = RunDirectory.create(mkdtempSync(join(tmpdir(), 'rigl-store-')), 'torn', 'model: lenet-300-100\n');
  run.appendEvent({ type: 'status', step: 0, epoch: 0, time: 1, state: 'starting' });
  run.appendEvent({ type: 'train', step: 1, epoch: 0.1, time: 2, loss: 2.3, accuracy: 0.1, lr: 0.1, imagesPerSec: 10, trainFlops: 1, denseTrainFlops: 3 });
  appendFileSync(run.path('events'), '{"type":"train","step":2,"ep');
  assert.deepEqual(run.readEvents().map((e) => e.step), [0, 1]);
  run.writeSummary(summary(run.runId, { state: 'completed' }));
  assert.equal(run.readSummary()?.state, 'completed');
  assert.equal(run.readConfigText(), 'model: lenet-300-100\n');
});

test('listing: newest first, and a live state whose trainer is gone reads as killed', () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-store-'));
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  const orphan = RunDirectory.create(root, 'orphan', 'x: 1\n');
  orphan.writeSummary(summary(orphan.runId, { state: 'running', pid: gone, updatedAt: 2000 }));
  const live = RunDirectory.create(root, 'live', 'x: 1\n');
  live.writeSummary(summary(live.runId, { state: 'running', pid: process.pid, updatedAt: 3000 }));
  const done = RunDirectory.create(root, 'done', 'x: 1\n');
  done.writeSummary(summary(done.runId, { state: 'completed', pid: gone, updatedAt: 1000, best: { top1: 0.97, step: 10 } }));
  const runs = listRuns(root);
  assert.deepEqual(runs.map((r) => r.runId.split('-')[0]), ['live', 'orphan', 'done']);
  assert.deepEqual(runs.map((r) => r.state), ['running', 'killed', 'completed']);
  assert.equal(runs[2].bestTop1, 0.97);
  assert.deepEqual(listRuns(join(root, 'missing')), []);
});
