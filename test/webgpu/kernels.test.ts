// Every kernel forward and backward of each of the seven models call is registered for webgpu,
// and every gradient the project registers is for a kernel webgpu has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { resolveConfigText } from '../../server/config/load.js';
import { createModel } from '../../server/nn/models/index.js';
import { TRAINING_GRADIENTS } from '../../server/nn/gradients/index.js';
import { buildPlan } from '../../server/sparse/plan.js';
import { selectBackend } from '../../server/train/backend.js';
import { forwardBackward } from '../../server/train/step.js';

const MODELS = ['lenet-300-100', 'cnn-small', 'resnet20', 'wrn-22-2', 'resnet18', 'resnet34', 'resnet50'] as const;

/**
 * The kernels forward and backward of `model` (at 32×32, batch 1) dispatch, as the wasm backend
 * sees them; the optimizer, loss and metrics kernels are exercised on webgpu itself by the
 * training tests.
 */
async function stepKernels(model: string): Promise<Set<string>> {
  const config = resolveConfigText(`model: ${model}
dataset: { name: synthetic, image_size: 32 }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk }
training: { batch_size: 1, label_smoothing: 0.1 }
backend: wasm
`, 'kernels.rigl.yaml');
  const plan = buildPlan(config, { inputShape: [32, 32, 3], numClasses: 10 });
  const network = createModel(plan.spec, 0);
  const profile = await tf.profile(() => {
    const x = tf.randomNormal([1, 32, 32, 3]);
    const labels = tf.tensor1d([3], 'int32');
    const effective = network.maskedWeights.map(({ variable }) => tf.mul(variable, 1));
    const result = forwardBackward(network, x, labels, effective, 10, 0.1);
    tf.dispose([x, labels, result.loss, result.correct, ...effective, ...result.denseGradients, ...result.otherGradients, ...result.bufferUpdates.map(([, v]) => v)]);
  });
  network.dispose();
  // kernelNames also lists custom-gradient scopes (logSoftmax__op, …): keep what wasm dispatched.
  return new Set(profile.kernelNames.filter((name) => tf.getKernel(name, 'wasm')));
}

test('every kernel of forward and backward of the seven models is registered for webgpu', async () => {
  await selectBackend('wasm');
  const missing: string[] = [];
  for (const model of MODELS) {
    for (const kernel of await stepKernels(model)) {
      if (!tf.getKernel(kernel, 'webgpu')) missing.push(`${model}: ${kernel}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every gradient the project registers belongs to a kernel webgpu has', () => {
  // A gradient for a name no backend implements (tfjs's BroadcastTo runs as Tile) is never used.
  const used = TRAINING_GRADIENTS.filter(({ kernelName }) => tf.getKernel(kernelName, 'cpu') || tf.getKernel(kernelName, 'wasm'));
  assert.ok(used.length > 30);
  for (const { kernelName } of used) assert.ok(tf.getKernel(kernelName, 'webgpu'), `${kernelName}: no webgpu kernel for a registered gradient`);
});
