// Prints where one training step's time goes, per kernel, for a model on a backend (tf.profile
// around forward + backward): the figures that decide which kernel to speed up next.
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../server/train/backend.js';
import { getModelSpec } from '../server/nn/specs.js';
import { createModel } from '../server/nn/models/index.js';
import { forwardBackward } from '../server/train/step.js';
import type { ModelName } from '../server/nn/spec.js';

async function main(): Promise<void> {
  const modelName = (process.argv[2] ?? 'cnn-small') as ModelName;
  const batch = Number(process.argv[3] ?? 32);
  const backend = await selectBackend((process.argv[4] ?? 'wasm') as 'wasm');
  const spec = getModelSpec(modelName);
  const model = createModel(spec, 0);
  const [h, w, c] = spec.inputShape;
  const x = tf.randomNormal([batch, h, w, c]);
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % spec.numClasses), 'int32');
  const step = () => {
    const weights = model.maskedWeights.map((m) => m.variable);
    const result = forwardBackward(model, x, labels, weights, spec.numClasses, 0);
    tf.dispose([result.loss, result.correct, ...result.denseGradients, ...result.otherGradients, ...result.bufferUpdates.map(([, v]) => v)]);
  };
  for (let i = 0; i < 3; i++) step();
  const started = performance.now();
  const profile = await tf.profile(step);
  const wall = performance.now() - started;
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const kernel of profile.kernels) {
    const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(kernel.kernelTimeMs) || 0;
    entry.calls++;
    byKernel.set(kernel.name, entry);
  }
  const total = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`${modelName}, batch ${batch}, ${backend.name}: forward + backward ${wall.toFixed(1)} ms wall (profiled), kernels ${total.toFixed(1)} ms`);
  for (const [name, { ms, calls }] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
    console.log(`  ${name.padEnd(24)} ${ms.toFixed(2).padStart(9)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)} %  ${String(calls).padStart(4)} calls`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
