// Numbers of the networks: seeded initialisation (identical on cpu and wasm, torchvision's
// statistics), cpu and wasm agreeing on logits and gradients, and PyTorch's batch-norm rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/train/backend.js';
import { createModel } from '../../server/nn/models/index.js';
import { getModelSpec } from '../../server/nn/specs.js';
import { batchNorm, BN_MOMENTUM, type ForwardContext } from '../../server/nn/layers.js';
import type { ModelName } from '../../server/nn/spec.js';

function snapshot(name: ModelName, seed: number, inputShape?: [number, number, number]): Map<string, Float32Array> {
  const model = createModel(getModelSpec(name, { inputShape, numClasses: 10 }), seed);
  const values = new Map(model.namedVariables().map(({ name: n, variable }) => [n, variable.dataSync() as Float32Array]));
  model.dispose();
  return values;
}

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

test('the same seed gives the same weights on cpu and wasm; another seed does not', async () => {
  await selectBackend('cpu');
  const cpu = snapshot('resnet20', 7, [8, 8, 3]);
  await selectBackend('wasm');
  const wasm = snapshot('resnet20', 7, [8, 8, 3]);
  const other = snapshot('resnet20', 8, [8, 8, 3]);
  assert.deepEqual([...wasm.keys()], [...cpu.keys()]);
  for (const [name, values] of cpu) assert.deepEqual(wasm.get(name), values, name);
  assert.notDeepEqual(other.get('layer1.0.conv1'), wasm.get('layer1.0.conv1'));
});

test('initialisation follows torchvision: Kaiming-normal fan-out convs, uniform fc, BN 1/0', async () => {
  await selectBackend('wasm');
  const values = snapshot('resnet18', 0, [32, 32, 3]);
  // layer4.0.conv2: 3×3×512×512, fan_out = 9·512.
  const conv = values.get('layer4.0.conv2')!;
  const mean = conv.reduce((s, v) => s + v, 0) / conv.length;
  const std = Math.sqrt(conv.reduce((s, v) => s + (v - mean) ** 2, 0) / conv.length);
  assert.ok(Math.abs(mean) < 1e-3, `conv mean ${mean}`);
  assert.ok(Math.abs(std / Math.sqrt(2 / (9 * 512)) - 1) < 0.01, `conv std ${std}`);
  const bound = 1 / Math.sqrt(512);
  for (const name of ['fc', 'fc.bias']) {
    const fc = values.get(name)!;
    assert.ok(fc.every((v) => Math.abs(v) <= bound), `${name} within ±1/√fan_in`);
    assert.ok(Math.max(...fc.map(Math.abs)) > 0.9 * bound, `${name} fills the range`);
  }
  assert.ok(values.get('layer1.0.bn1.weight')!.every((v) => v === 1));
  assert.ok(values.get('layer1.0.bn1.bias')!.every((v) => v === 0));
  assert.ok(values.get('layer1.0.bn1.running_mean')!.every((v) => v === 0));
  assert.ok(values.get('layer1.0.bn1.running_var')!.every((v) => v === 1));
});

/** Logits and every gradient (masked weights, then other parameters) of one training-mode step. */
async function stepOn(backend: 'cpu' | 'wasm', name: ModelName, inputShape: [number, number, number]): Promise<Float32Array[]> {
  await selectBackend(backend);
  const model = createModel(getModelSpec(name, { inputShape, numClasses: 10 }), 11);
  const result = tf.tidy(() => {
    const x = tf.reshape(tf.cos(tf.range(0, 3 * inputShape[0] * inputShape[1] * inputShape[2])), [3, ...inputShape]);
    const weights = model.maskedWeights.map((w) => w.variable);
    let logits: tf.Tensor | undefined;
    const grads = tf.grads((...args: tf.Tensor[]) => {
      const output = model.forward(x, args.slice(0, weights.length), true);
      logits = tf.keep(output.logits);
      return tf.sum(tf.mul(output.logits, tf.reshape(tf.range(0, 30), [3, 10])));
    })([...weights, ...model.otherParams]);
    return [logits!, ...grads].map((t) => t.dataSync() as Float32Array);
  });
  model.dispose();
  return result;
}

for (const [name, inputShape] of [['cnn-small', [16, 16, 3]], ['resnet20', [8, 8, 3]]] as const) {
  test(`${name}: cpu and wasm agree on logits and on every gradient`, async () => {
    const cpu = await stepOn('cpu', name, [...inputShape]);
    const wasm = await stepOn('wasm', name, [...inputShape]);
    assert.equal(wasm.length, cpu.length);
    cpu.forEach((expected, i) => {
      const difference = maxRelativeDifference(wasm[i], expected);
      assert.ok(difference < 1e-3, `${i === 0 ? 'logits' : `gradient ${i - 1}`}: relative difference ${difference}`);
    });
  });
}

test('batch norm: batch statistics in training, PyTorch running updates (momentum 0.1, unbiased variance)', async () => {
  await selectBackend('wasm');
  const variable = (values: number[]) => tf.variable(tf.tensor1d(values));
  const bn = { gamma: variable([2, 1]), beta: variable([0.5, 0]), runningMean: variable([1, 0]), runningVar: variable([1, 4]) };
  // Two channels over 2×2×... positions: channel 0 = 1..8, channel 1 = 10·(1..8).
  const channel0 = [1, 2, 3, 4, 5, 6, 7, 8];
  const x = tf.tensor4d(channel0.flatMap((v) => [v, 10 * v]), [2, 2, 2, 2]);
  const train: ForwardContext = { weights: [], training: true, bufferUpdates: [] };
  const y = batchNorm(x, bn, train);
  const mean = 4.5;
  const biasedVar = channel0.reduce((s, v) => s + (v - mean) ** 2, 0) / 8;
  const expected0 = channel0.map((v) => (2 * (v - mean)) / Math.sqrt(biasedVar + 1e-5) + 0.5);
  const out = y.dataSync();
  expected0.forEach((v, i) => assert.ok(Math.abs(out[2 * i] - v) < 1e-4, `y[${i}] = ${out[2 * i]}, expected ${v}`));
  const [[meanVar, newMean], [varVar, newVar]] = train.bufferUpdates;
  assert.equal(meanVar, bn.runningMean);
  assert.equal(varVar, bn.runningVar);
  const unbiasedVar = (biasedVar * 8) / 7;
  assert.deepEqual([...newMean.dataSync()].map((v) => +v.toFixed(4)), [+(0.9 * 1 + BN_MOMENTUM * mean).toFixed(4), +(0.1 * 45).toFixed(4)]);
  const nv = newVar.dataSync();
  assert.ok(Math.abs(nv[0] - (0.9 * 1 + 0.1 * unbiasedVar)) < 1e-4);
  assert.ok(Math.abs(nv[1] - (0.9 * 4 + 0.1 * 100 * unbiasedVar)) < 1e-2);

  const evalContext: ForwardContext = { weights: [], training: false, bufferUpdates: [] };
  const yEval = batchNorm(x, bn, evalContext);
  assert.equal(evalContext.bufferUpdates.length, 0);
  assert.ok(Math.abs(yEval.dataSync()[0] - ((2 * (1 - 1)) / Math.sqrt(1 + 1e-5) + 0.5)) < 1e-5, 'eval uses the running statistics');
  tf.dispose([x, y, yEval, newMean, newVar, ...Object.values(bn)]);
});
