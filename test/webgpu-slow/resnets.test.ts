// The slower webgpu tier (.ci/run, `npm run test:webgpu-slow`): ResNet-20 and ResNet-50 at 32×32,
// batch 2, complete a sparse (RigL, ERK 90 %) training step on SwiftShader: every kernel exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordRun } from '../webgpu/parity.js';
import { useSwiftshader } from '../webgpu/swiftshader.js';

const skip = useSwiftshader();

for (const model of ['resnet20', 'resnet50'] as const) {
  test(`${model} at 32×32, batch 2, completes a sparse training step on webgpu`, { skip }, async () => {
    const body = `model: ${model}
dataset: { name: synthetic, synthetic_size: 8, image_size: 32 }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: 100 } }
training: { epochs: 1, batch_size: 2, log_every: 1, eval_batch_size: 2, optimizer: { lr: 0.05 } }`;
    // The mask update's kernels are exercised by the LeNet and small-CNN tests; a ResNet-50 top-k
    // over 2.4 M scores takes minutes on SwiftShader.
    const record = await recordRun(body, 'webgpu', 1, 1);
    assert.equal(record.summary.state, 'completed', record.summary.message);
    assert.equal(record.summary.backend, 'webgpu');
    const loss = record.losses.get(1);
    assert.ok(loss !== undefined && Number.isFinite(loss), `step 1 loss ${loss}`);
    assert.deepEqual(record.maskedMass.get(1), { weight: 0, momentum: 0 });
  });
}
