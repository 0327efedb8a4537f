// Resume is exact: a run stopped mid-epoch and resumed from its checkpoint matches an
// uninterrupted run of the same seed step for step on the cpu backend (losses, masks, weights).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import { StopSignal, train } from '../../server/train/trainer.js';
import { latestCheckpoint, loadCheckpoint } from '../../server/train/checkpoint.js';
import type { RunEvent } from '../../server/protocol.js';
import type { RunDirectory } from '../../server/rundir/store.js';

const config = resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 5 } }
training: { epochs: 2, batch_size: 8, log_every: 1, optimizer: { lr: 0.05 } }
backend: cpu
`, 'resume.rigl.yaml');

function finalTensors(run: RunDirectory) {
  const path = latestCheckpoint(run.path('checkpoints'))?.path;
  assert.ok(path, 'a checkpoint exists');
  const { meta, tensors } = loadCheckpoint(path);
  const values = new Map([...tensors].map(([name, t]) => [name, Array.from(t.dataSync())]));
  tf.dispose([...tensors.values()]);
  return { meta, values };
}

const trainLosses = (events: RunEvent[]) => events.filter((e) => e.type === 'train').map((e) => [e.step, (e as { loss: number }).loss]);
const maskCounts = (events: RunEvent[]) => events.filter((e) => e.type === 'mask' && e.step > 0).map((e) => [e.step, ...(e as { layers: { active: number; dropped: number; grown: number }[] }).layers.flatMap((l) => [l.active, l.dropped, l.grown])]);

test('a run stopped at step 21 and resumed matches the uninterrupted run exactly', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-resume-'));
  const straightRun = await createRun(root, config);
  const straightEvents: RunEvent[] = [];
  const straight = await train({ run: straightRun, onEvent: (e) => straightEvents.push(e) });
  assert.equal(straight.state, 'completed');

  const splitRun = await createRun(root, config);
  const splitEvents: RunEvent[] = [];
  const stop = new StopSignal();
  const first = await train({ run: splitRun, stop, onEvent: (e) => splitEvents.push(e), afterStep: (step) => { if (step === 21) stop.request('test'); } });
  assert.equal(first.state, 'stopped');
  assert.equal(first.step, 21);
  assert.equal(finalTensors(splitRun).meta.batchInEpoch, 21, 'the checkpoint records the position in the epoch');
  const second = await train({ run: splitRun, resume: true, onEvent: (e) => splitEvents.push(e) });
  assert.equal(second.state, 'completed');
  assert.equal(second.step, straight.step);

  assert.deepEqual(trainLosses(splitEvents), trainLosses(straightEvents), 'identical loss at every step');
  assert.deepEqual(maskCounts(splitEvents), maskCounts(straightEvents), 'identical mask updates');
  const a = finalTensors(straightRun);
  const b = finalTensors(splitRun);
  assert.deepEqual([...b.values.keys()].sort(), [...a.values.keys()].sort());
  for (const [name, values] of a.values) assert.deepEqual(b.values.get(name), values, `${name} differs after resume`);
  assert.equal(second.best?.top1, straight.best?.top1);
  // The run directory's history holds both halves, in order, with the stop in between.
  const states = splitRun.readEvents().filter((e) => e.type === 'status').map((e) => (e as { state: string }).state);
  assert.deepEqual(states, ['starting', 'running', 'stopped', 'starting', 'running', 'completed']);
});
