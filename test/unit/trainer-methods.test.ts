// The training loop with every method on a tiny synthetic set (cpu backend): planned nonzeros at
// every mask update, masked weights and momentum exactly zero after every step, mask events
// written, a flat live-tensor count, NaN detection, and a conv net whose loss falls on wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import { train } from '../../server/train/trainer.js';
import { buildPlan } from '../../server/sparse/plan.js';
import { gmpSparsity } from '../../server/sparse/schedule.js';
import { exactZeroCount } from '../../server/sparse/distribution.js';
import type { MaskEvent, RunEvent } from '../../server/protocol.js';

const tinyConfig = (method: string, extra: string[] = []) => resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: ${method}, sparsity: 0.9, distribution: erk, update: { delta_t: 5, t_end: 0.75, t_start: 0.1 } }
training: { epochs: 2, batch_size: 8, log_every: 4, eval_batch_size: 64, optimizer: { lr: 0.05 } }
backend: cpu
`, 'tiny.rigl.yaml', extra);

const maskedAbsSum = (t: tf.Tensor, mask: tf.Tensor) => tf.tidy(() => tf.sum(tf.mul(tf.abs(t), tf.sub(1, mask))).dataSync()[0]);

for (const method of ['rigl', 'set', 'snfs', 'static', 'gmp', 'dense'] as const) {
  test(`${method}: planned nonzeros at every update, zeros stay zero, no tensor leak`, async () => {
    const config = tinyConfig(method);
    const plan = buildPlan(config);
    const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-trainer-')), config);
    const events: RunEvent[] = [];
    const tensorCounts: number[] = [];
    const totalSteps = plan.steps.totalSteps;
    const startStep = Math.floor(0.1 * totalSteps);
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const summary = await train({
      run, onEvent: (e) => events.push(e),
      afterStep: (step, model, optimizer) => {
        for (const layer of model.maskedLayers()) {
          if (!layer.mask) continue;
          assert.equal(maskedAbsSum(layer.weight, layer.mask), 0, `${method} step ${step}: ${layer.name} has weights where the mask is 0`);
          assert.equal(maskedAbsSum(optimizer.momentum.get(layer.name)!, layer.mask), 0, `${method} step ${step}: ${layer.name} has momentum where the mask is 0`);
        }
        // The train window holds each step's loss until it is flushed every log_every (4) steps.
        if (step % 4 === 0) tensorCounts.push(tf.memory().numTensors);
      },
    });
    assert.equal(tf.memory().numTensors, before, `${method}: tensors left alive after the run`);
    assert.equal(summary.state, 'completed', summary.message);
    assert.equal(summary.step, totalSteps);
    const masks = events.filter((e): e is MaskEvent => e.type === 'mask');
    const updates = masks.filter((e) => e.step > 0);
    if (method === 'dense') {
      assert.equal(masks.length, 0);
    } else if (method === 'static') {
      assert.equal(updates.length, 0, 'static never updates');
      assert.equal(masks.length, 1, 'the initial mask statistics');
    } else {
      assert.equal(updates.length, plan.steps.maskUpdates, 'one mask event per planned update');
      for (const event of updates) {
        event.layers.forEach((layer, i) => {
          const planned = plan.layers[i];
          const target = method === 'gmp'
            ? planned.params - exactZeroCount(gmpSparsity(1 - planned.density, event.step, startStep, plan.steps.endStep), planned.params)
            : planned.nnz;
          assert.equal(layer.active, target, `${method} step ${event.step} ${layer.name}: ${layer.active} active, planned ${target}`);
        });
      }
    }
    if (method === 'gmp') {
      const last = updates.at(-1)!;
      assert.equal(last.step, plan.steps.endStep, 'gmp prunes last at t_1');
      assert.deepEqual(last.layers.map((l) => l.active), plan.layers.map((l) => l.nnz), 'gmp reaches the plan exactly at t_1');
    }
    // After the first steps have allocated everything persistent, the live count stays flat.
    const steady = tensorCounts.slice(1);
    assert.ok(Math.max(...steady) - Math.min(...steady) === 0, `${method}: live tensors drifted ${Math.min(...steady)}..${Math.max(...steady)}`);
    assert.ok(events.some((e) => e.type === 'eval'));
    assert.deepEqual(run.readEvents().map((e) => e.type), events.map((e) => e.type), 'every event is on disk');
  });
}

test('a NaN or infinite loss fails the run and names the step', async () => {
  const config = tinyConfig('rigl', ['training.optimizer.lr=1e30', 'training.log_every=1']);
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-trainer-')), config);
  const summary = await train({ run });
  assert.equal(summary.state, 'failed');
  assert.match(summary.message ?? '', /loss became (NaN|infinite) at step \d+/);
});

test('cnn-small trains on the wasm backend and its loss falls', async () => {
  const config = resolveConfigText(`
model: cnn-small
dataset: { name: synthetic, synthetic_size: 512 }
sparsity: { method: rigl, sparsity: 0.8, update: { delta_t: 10 } }
training: { epochs: 4, batch_size: 16, log_every: 16, optimizer: { lr: 0.05 } }
backend: wasm
`, 'cnn.rigl.yaml');
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-trainer-')), config);
  const events: RunEvent[] = [];
  const summary = await train({ run, onEvent: (e) => events.push(e) });
  assert.equal(summary.state, 'completed', summary.message);
  assert.equal(summary.backend, 'wasm');
  const losses = events.filter((e) => e.type === 'train').map((e) => (e as { loss: number }).loss);
  assert.ok(losses.length >= 6);
  assert.ok(losses.at(-1)! < losses[0] * 0.5, `loss ${losses[0]} → ${losses.at(-1)}`);
  await tf.setBackend('cpu');
});
