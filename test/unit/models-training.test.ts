// Convolutional training works on the wasm backend (a project requirement): plain SGD on one
// fixed synthetic batch makes cnn-small's loss fall, and resnet20's (batch norm) too.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/train/backend.js';
import { createModel } from '../../server/nn/models/index.js';
import { getModelSpec } from '../../server/nn/specs.js';
import type { ModelName } from '../../server/nn/spec.js';
import { deviceScalarCount } from '../../server/nn/device-scalars.js';

const CLASSES = 4;
const BATCH = 16;

/** Each class is a different spatial frequency pattern plus seeded noise: learnable, not trivial. */
function syntheticBatch(shape: [number, number, number]): { x: tf.Tensor4D; labels: tf.Tensor2D } {
  const [h, w, c] = shape;
  const values = new Float32Array(BATCH * h * w * c);
  const labels: number[] = [];
  let state = 12345;
  const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5) * 0.5;
  for (let n = 0; n < BATCH; n++) {
    const label = n % CLASSES;
    labels.push(label);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) {
      values[((n * h + i) * w + j) * c + k] = Math.sin((label + 1) * (i + 2 * j) * 0.4 + k) + noise();
    }
  }
  return { x: tf.tensor4d(values, [BATCH, h, w, c]), labels: tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES) as tf.Tensor2D };
}

function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

async function trainLosses(name: ModelName, inputShape: [number, number, number], steps: number, lr: number): Promise<number[]> {
  const model = createModel(getModelSpec(name, { inputShape, numClasses: CLASSES }), 5);
  const { x, labels } = syntheticBatch(inputShape);
  const params = [...model.maskedWeights.map((w) => w.variable), ...model.otherParams];
  const losses: number[] = [];
  const baseline = tf.memory().numTensors - deviceScalarCount();
  for (let t = 0; t < steps; t++) {
    let updates: [tf.Variable, tf.Tensor][] = [];
    const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
      const output = model.forward(x, args.slice(0, model.maskedWeights.length), true);
      updates = output.bufferUpdates.map(([v, u]) => [v, tf.keep(u)]);
      return crossEntropy(output.logits, labels);
    })(params);
    losses.push((await value.data())[0]);
    tf.tidy(() => params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(grads[i], lr)))));
    for (const [variable, update] of updates) variable.assign(update);
    tf.dispose([value, ...grads, ...updates.map(([, u]) => u)]);
    assert.equal(tf.memory().numTensors - deviceScalarCount(), baseline, `step ${t} leaked tensors`);
  }
  tf.dispose([x, labels]);
  model.dispose();
  return losses;
}

before(async () => {
  const backend = await selectBackend('wasm');
  assert.equal(backend.name, 'wasm');
});

test('cnn-small: SGD on a fixed batch lowers the loss on wasm', async () => {
  const losses = await trainLosses('cnn-small', [16, 16, 3], 40, 0.05);
  const first = losses[0];
  const last = losses[losses.length - 1];
  assert.ok(losses.every(Number.isFinite));
  assert.ok(last < 0.5 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
});

test('resnet20: SGD with batch norm lowers the loss on wasm', async () => {
  const losses = await trainLosses('resnet20', [8, 8, 3], 15, 0.05);
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[losses.length - 1] < 0.7 * losses[0], `loss ${losses[0].toFixed(3)} → ${losses[losses.length - 1].toFixed(3)}`);
});
