// WebGPU faults fail loudly: a validation error (a pipeline over a device limit) fails the run
// with its message, a synchronous read of a GPU tensor throws, and tf.addN over more inputs than
// the per-stage storage-buffer limit computes the right sum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { createRun } from '../../server/rundir/start.js';
import { assertBackendHealthy, selectBackend } from '../../server/train/backend.js';
import { train } from '../../server/train/trainer.js';
import { parityConfig } from './parity.js';
import { useSwiftshader } from './swiftshader.js';

const skip = useSwiftshader();

interface DeviceLike {
  limits: Record<string, number>;
  createShaderModule(descriptor: { code: string }): unknown;
  createComputePipeline(descriptor: unknown): unknown;
}

/** A compute shader binding one more storage buffer than the device allows. */
function pipelineOverLimit(device: DeviceLike): void {
  const count = device.limits.maxStorageBuffersPerShaderStage + 1;
  const bindings = Array.from({ length: count }, (_, i) => `@group(0) @binding(${i}) var<storage, read_write> b${i}: array<f32>;`).join('\n');
  const body = Array.from({ length: count }, (_, i) => `b${i}[0] = 1.0;`).join(' ');
  const module = device.createShaderModule({ code: `${bindings}\n@compute @workgroup_size(1) fn main() { ${body} }` });
  device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
}

test('tf.addN over more inputs than the storage-buffer limit sums correctly on webgpu', { skip }, async () => {
  await selectBackend('webgpu');
  const device = (tf.backend() as unknown as { device: DeviceLike }).device;
  const count = device.limits.maxStorageBuffersPerShaderStage * 2 + 5;
  const inputs = Array.from({ length: count }, (_, i) => tf.scalar(i + 1));
  const sum = tf.addN(inputs);
  assert.equal((await sum.data())[0], (count * (count + 1)) / 2);
  assertBackendHealthy();
  tf.dispose([sum, ...inputs]);
});

test('a synchronous read of a GPU tensor on webgpu throws and names the asynchronous read', { skip }, async () => {
  await selectBackend('webgpu');
  const onGpu = tf.add(tf.ones([4096]), 1);
  assert.throws(() => onGpu.dataSync(), /synchronous read .*await tensor\.data\(\)/);
  assert.throws(() => onGpu.arraySync(), /synchronous read/);
  assert.equal((await onGpu.data())[0], 2);
  onGpu.dispose();
});

test('a WebGPU validation error during training fails the run with its message', { skip }, async () => {
  const config = parityConfig(`model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 64, image_size: 28 }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: 50 } }
training: { epochs: 3, batch_size: 8, log_every: 2, eval_batch_size: 16, optimizer: { lr: 0.05 } }`, 'webgpu');
  const run = await createRun(mkdtempSync(join(tmpdir(), 'rigl-webgpu-fault-')), config);
  let stepsAfterFault = 0;
  const summary = await train({
    run, maxSteps: 8,
    afterStep: (step) => {
      if (step === 1) pipelineOverLimit((tf.backend() as unknown as { device: DeviceLike }).device);
      else stepsAfterFault++;
    },
  });
  assert.equal(summary.state, 'failed', `the run went on: ${summary.state} ${summary.message}`);
  assert.match(summary.message ?? '', /GPUValidationError: The number of storage buffers \(\d+\) in the Compute stage exceeds the maximum/);
  assert.ok(stepsAfterFault <= 1, `${stepsAfterFault} steps trained after the fault`);
});
