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
import type { MaskEvent, RunEvent, TrainEvent } from '../../server/protocol.js';
import { mixupLambda, mixupPermutation } from '../../server/train/mixup.js';
import { createModel } from '../../server/nn/models/index.js';
import { deviceScalarCount } from '../../server/nn/device-scalars.js';

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
        if (step % 4 === 0) tensorCounts.push(tf.memory().numTensors - deviceScalarCount());
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
    // One training-FLOPs rule: the live counter adds up exactly what the plan averages.
    const lastTrain = events.filter((e): e is TrainEvent => e.type === 'train').at(-1)!;
    const relative = Math.abs(lastTrain.trainFlops - plan.totals.trainFlops) / plan.totals.trainFlops;
    assert.ok(relative < (method === 'gmp' ? 0.05 : 1e-9), `${method}: live ${lastTrain.trainFlops} vs plan ${plan.totals.trainFlops}`);
  });
}

test('at_step_zero: rigl also updates on the first step with f = α and skips that optimizer step', async () => {
  const config = tinyConfig('rigl', ['sparsity.update.at_step_zero=true']);
  const plan = buildPlan(config);
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-trainer-')), config);
  const events: RunEvent[] = [];
  const firstLayer: number[][] = [];
  await tf.setBackend('cpu');
  const summary = await train({
    run, maxSteps: 6, onEvent: (e) => events.push(e),
    afterStep: (step, model) => { if (step <= 2) firstLayer.push(Array.from(model.maskedLayers()[0].weight.dataSync())); },
  });
  assert.equal(summary.state, 'completed', summary.message);
  const updates = events.filter((e): e is MaskEvent => e.type === 'mask' && e.step > 0);
  assert.deepEqual(updates.map((e) => e.step), [1, 5], 'the first step, then t mod ΔT = 0');
  assert.equal(updates[0].updateFraction, 0.3, 'f(0) = α');
  assert.equal(plan.steps.maskUpdates, buildPlan(tinyConfig('rigl')).steps.maskUpdates + 1);
  assert.ok(updates[0].layers[0].dropped > 0);
  // Step 1 only changed the topology: every weight it kept still has its initial value.
  const initial = createModel(plan.spec, config.training.seed);
  const start = Array.from(initial.maskedWeights[0].variable.dataSync());
  initial.dispose();
  const kept = firstLayer[0].flatMap((w, i) => (w !== 0 ? [i] : []));
  assert.ok(kept.length > 0);
  assert.ok(kept.every((i) => firstLayer[0][i] === start[i]), 'no optimizer step on the step-zero update');
  assert.ok(kept.some((i) => firstLayer[1][i] !== start[i]), 'step 2 trains');
});

test('mixup: λ ~ Beta(α, α) per step, seeded; the run trains with it', async () => {
  const draws = Array.from({ length: 20000 }, (_, t) => mixupLambda(0.2, 0, t + 1));
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / (4 * 1.4)) < 0.01, `variance ${variance} vs Beta(0.2, 0.2)'s 0.1786`);
  assert.ok(draws.every((l) => l >= 0 && l <= 1));
  assert.equal(mixupLambda(0.2, 0, 7), mixupLambda(0.2, 0, 7), 'the same step and seed draw the same λ');
  const permutation = Array.from(mixupPermutation(16, 0, 7));
  assert.deepEqual([...permutation].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i), 'each example gets one partner');
  assert.deepEqual(Array.from(mixupPermutation(16, 0, 7)), permutation, 'seeded');
  assert.notDeepEqual(Array.from(mixupPermutation(16, 0, 8)), permutation, 'a new pairing every step');
  const plain = tinyConfig('rigl', ['training.epochs=0.25']);
  const mixed = tinyConfig('rigl', ['training.epochs=0.25', 'training.mixup_alpha=0.2']);
  const losses = async (config: typeof plain) => {
    const events: RunEvent[] = [];
    await tf.setBackend('cpu');
    const summary = await train({ run: await createRun(mkdtempSync(join(tmpdir(), 'rigl-trainer-')), config), onEvent: (e) => events.push(e) });
    assert.equal(summary.state, 'completed', summary.message);
    return events.filter((e): e is TrainEvent => e.type === 'train').map((e) => e.loss);
  };
  assert.notDeepEqual(await losses(mixed), await losses(plain), 'mixup changes what is trained on');
});

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
