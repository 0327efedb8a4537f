// A training step makes no tensors from host data except its batch (and the learning rate when
// the schedule changes it): on a GPU each host tensor is an upload. Counted through tfjs's engine,
// the one door host values enter by, for a model with batch norm, a conv net and an MLP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import { train } from '../../server/train/trainer.js';

interface Engine { makeTensor(values: unknown, shape: number[], dtype: string, backend?: unknown): tf.Tensor }

/** The shapes of the host tensors each step made, recorded from step 2 (step 1 makes the run's constants). */
async function hostTensorsPerStep(model: string, imageSize: number, lrSchedule: string): Promise<Map<number, string[]>> {
  const config = resolveConfigText(`
model: ${model}
dataset: { name: synthetic, synthetic_size: 64, image_size: ${imageSize} }
sparsity: { method: rigl, sparsity: 0.8, distribution: erk, update: { delta_t: 100 } }
training: { epochs: 1, batch_size: 2, log_every: 100, eval_batch_size: 64, label_smoothing: 0.1, lr_schedule: ${lrSchedule}, optimizer: { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 0.0005, weight_decay_on: all } }
backend: cpu
`, 'host-tensors.rigl.yaml');
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-host-tensors-')), config);
  const engine = tf.engine() as unknown as Engine;
  const original = engine.makeTensor;
  const perStep = new Map<number, string[]>();
  let current: string[] | undefined;
  try {
    const summary = await train({
      run, maxSteps: 6,
      afterStep: (step) => {
        if (current) perStep.set(step, current);
        current = [];
        engine.makeTensor = function (this: Engine, values, shape, dtype, backend) {
          current?.push(`${dtype}[${shape.join(',')}]`);
          return original.call(this, values, shape, dtype, backend);
        };
      },
    });
    assert.equal(summary.state, 'completed', summary.message);
  } finally {
    engine.makeTensor = original;
  }
  // The last step (6) also flushes the metrics window and is not a plain step.
  perStep.delete(6);
  return perStep;
}

for (const [model, imageSize, image] of [['resnet20', 8, 'float32[2,8,8,3]'], ['cnn-small', 8, 'float32[2,8,8,3]'], ['lenet-300-100', 8, 'float32[2,8,8,1]']] as const) {
  test(`${model}: a step with a constant learning rate makes host tensors only for its batch`, async () => {
    const perStep = await hostTensorsPerStep(model, imageSize, '{ type: constant }');
    assert.deepEqual([...perStep.keys()], [2, 3, 4, 5]);
    for (const [step, shapes] of perStep) assert.deepEqual(shapes, [image, 'int32[2]'], `${model} step ${step}`);
  });
}

test('with a per-step cosine schedule the learning rate is the one more host value a step uploads', async () => {
  const perStep = await hostTensorsPerStep('lenet-300-100', 8, '{ type: cosine, per: step }');
  for (const [step, shapes] of perStep) assert.deepEqual(shapes, ['float32[2,8,8,1]', 'int32[2]', 'float32[]'], `step ${step}`);
});
