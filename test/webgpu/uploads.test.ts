// Per webgpu training step the host uploads its batch and nothing else (with a constant learning
// rate): every upload the backend makes between two steps is recorded, with its shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createRun } from '../../server/rundir/start.js';
import { train } from '../../server/train/trainer.js';
import { parityConfig } from './parity.js';
import { useSwiftshader } from './swiftshader.js';

const skip = useSwiftshader();

/** The part of tfjs-backend-webgpu 4.22 this test watches: the one method that moves host values to the GPU. */
interface UploadingBackend {
  uploadToGPU(dataId: object): void;
  tensorMap: { get(dataId: object): { values: unknown; shape: number[]; dtype: string; resource: unknown } };
}

test('a webgpu training step uploads its batch and nothing else', { skip }, async () => {
  const body = `model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 64, image_size: 8 }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: 100 } }
training: { epochs: 1, batch_size: 4, log_every: 100, eval_batch_size: 64, label_smoothing: 0.1, lr_schedule: { type: constant }, optimizer: { lr: 0.05, weight_decay: 0.0001 }, seed: 3 }`;
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-webgpu-uploads-')), parityConfig(body, 'webgpu'));
  const perStep = new Map<number, string[]>();
  let current: string[] | undefined;
  let backend: UploadingBackend | undefined;
  let original: UploadingBackend['uploadToGPU'] | undefined;
  try {
    const summary = await train({
      run, maxSteps: 6,
      afterStep: (step) => {
        if (current) perStep.set(step, current);
        current = [];
        if (backend) return;
        // From the end of step 1 on: step 1 uploads the weights, masks and the run's constants.
        backend = tf.backend() as unknown as UploadingBackend;
        const upload = (original = backend.uploadToGPU);
        const watched = backend;
        backend.uploadToGPU = function (this: UploadingBackend, dataId: object) {
          const data = watched.tensorMap.get(dataId);
          if (data.resource == null && data.values != null) current?.push(`${data.dtype}[${data.shape.join(',')}]`);
          upload.call(this, dataId);
        };
      },
    });
    assert.equal(summary.state, 'completed', summary.message);
    assert.equal(summary.backend, 'webgpu');
  } finally {
    if (backend && original) backend.uploadToGPU = original;
  }
  perStep.delete(6); // the last step also evaluates
  assert.deepEqual([...perStep.keys()], [2, 3, 4, 5]);
  for (const [step, uploads] of perStep) assert.deepEqual(uploads, ['float32[4,8,8,1]', 'int32[4]'], `step ${step}`);
});
