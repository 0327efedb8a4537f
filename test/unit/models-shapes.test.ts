// Every network on the wasm backend at a small input: logits [batch, classes], masked weights
// exactly as the spec lists them, a gradient for every masked layer, and no leaked tensors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../server/train/backend.js';
import { createModel, type TrainableModel } from '../../server/nn/models/index.js';
import { getModelSpec } from '../../server/nn/specs.js';
import { MODEL_NAMES, type ModelName } from '../../server/nn/spec.js';
import { deviceScalarCount } from '../../server/nn/device-scalars.js';

const BATCH = 2;
const CLASSES = 10;
/** The smallest inputs each network accepts, to keep the suite fast. */
const INPUT: Record<ModelName, [number, number, number]> = {
  'lenet-300-100': [28, 28, 1],
  'cnn-small': [16, 16, 3],
  resnet20: [8, 8, 3],
  'wrn-22-2': [8, 8, 3],
  resnet18: [32, 32, 3],
  resnet34: [32, 32, 3],
  resnet50: [32, 32, 3],
};

/** Batch-norm layers per network (two running-statistics buffers each). */
const BATCH_NORMS: Record<ModelName, number> = {
  'lenet-300-100': 0, 'cnn-small': 0,
  resnet20: 1 + 9 * 2 + 2, // stem, two per block, two projections
  'wrn-22-2': 9 * 2 + 1, // two per block, the final one
  resnet18: 1 + 8 * 2 + 3,
  resnet34: 1 + 16 * 2 + 3,
  resnet50: 1 + 16 * 3 + 4,
};

function inputBatch(shape: [number, number, number]): tf.Tensor4D {
  return tf.tidy(() => tf.reshape(tf.sin(tf.range(0, BATCH * shape[0] * shape[1] * shape[2])), [BATCH, ...shape]) as tf.Tensor4D);
}

/** Loss, gradients w.r.t. the passed-in weights and the other parameters, and the buffer updates. */
function step(model: TrainableModel, x: tf.Tensor, weights: tf.Tensor[]) {
  let updates: [tf.Variable, tf.Tensor][] = [];
  const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
    const output = model.forward(x, args.slice(0, weights.length), true);
    updates = output.bufferUpdates.map(([v, t]) => [v, tf.keep(t)]);
    return tf.mean(tf.square(output.logits)) as tf.Scalar;
  })([...weights, ...model.otherParams]);
  return { value, grads, updates };
}

before(async () => {
  await selectBackend('wasm');
});

for (const name of MODEL_NAMES) {
  test(`${name}: spec layers, logits, a gradient per masked layer, no leaks (wasm)`, () => {
    const spec = getModelSpec(name, { inputShape: INPUT[name], numClasses: CLASSES });
    const model = createModel(spec, 3);
    const x = inputBatch(INPUT[name]);
    try {
      assert.deepEqual(model.maskedWeights.map((w) => w.name), spec.layers.map((l) => l.name));
      assert.deepEqual(model.maskedWeights.map((w) => w.variable.shape), spec.layers.map((l) => l.shape));
      assert.equal(model.buffers.length, 2 * BATCH_NORMS[name]);
      assert.equal(model.otherParamNames.length, model.otherParams.length);
      assert.ok(model.buffers.every((b) => !b.trainable) && model.otherParams.every((p) => p.trainable));

      const evalOutput = model.forward(x, model.maskedWeights.map((w) => w.variable), false);
      assert.deepEqual(evalOutput.logits.shape, [BATCH, CLASSES]);
      assert.equal(evalOutput.bufferUpdates.length, 0, 'eval mode changes no running statistics');
      evalOutput.logits.dispose();

      // The trainer differentiates with respect to W ⊙ M: pass products in, not the variables.
      const masked = model.maskedWeights.map((w) => tf.mul(w.variable, 1));
      const baseline = tf.memory().numTensors - deviceScalarCount();
      for (let iteration = 0; iteration < 2; iteration++) {
        const { value, grads, updates } = step(model, x, masked);
        assert.ok(Number.isFinite(value.dataSync()[0]));
        assert.equal(updates.length, 2 * BATCH_NORMS[name]);
        model.maskedWeights.forEach((w, i) => {
          assert.deepEqual(grads[i].shape, w.variable.shape, `${w.name} gradient shape`);
          const norm = tf.tidy(() => tf.norm(grads[i]).dataSync()[0]);
          assert.ok(norm > 0 && Number.isFinite(norm), `${w.name} has a gradient (norm ${norm})`);
        });
        for (const [variable, value] of updates) variable.assign(value);
        tf.dispose([value, ...grads, ...updates.map(([, t]) => t)]);
        assert.equal(tf.memory().numTensors - deviceScalarCount(), baseline, `tensors leaked in iteration ${iteration}`);
      }
      tf.dispose(masked);
    } finally {
      x.dispose();
      model.dispose();
    }
  });
}

test('a 2-D input is reshaped to the spec image for convolutional models', () => {
  const spec = getModelSpec('cnn-small', { inputShape: [8, 8, 1], numClasses: 3 });
  const model = createModel(spec, 0);
  const flat = tf.ones([4, 64]);
  const { logits } = model.forward(flat, model.maskedWeights.map((w) => w.variable), false);
  assert.deepEqual(logits.shape, [4, 3]);
  tf.dispose([flat, logits]);
  model.dispose();
});

test('forward rejects a weight list of the wrong length', () => {
  const model = createModel(getModelSpec('lenet-300-100'), 0);
  const x = tf.ones([1, 784]);
  assert.throws(() => model.forward(x, [], false), /0 weights given, the model has 3/);
  x.dispose();
  model.dispose();
});
