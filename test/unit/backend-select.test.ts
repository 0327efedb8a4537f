// Backend selection: explicit choices activate or fail with why and what to install, 'auto' takes
// the first that works and names why each earlier one was skipped, probing switches nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AUTO_ORDER, BackendUnavailableError, probeBackends, selectBackend, type BackendProbe } from '../../server/train/backend.js';
import { wasmSearchDirs } from '../../server/train/backends/wasm.js';

let probes: BackendProbe[] | undefined;
async function probe(name: string): Promise<BackendProbe> {
  probes ??= await probeBackends();
  return probes.find((p) => p.name === name)!;
}

test('probeBackends lists every backend in auto order with a reason, without switching', async () => {
  await selectBackend('cpu');
  const result = await probeBackends();
  assert.deepEqual(result.map((p) => p.name), [...AUTO_ORDER]);
  for (const p of result) {
    assert.ok(p.reason.length > 0, `${p.name} has a reason`);
    if (!p.available) assert.ok(p.remedy, `${p.name} says what to install`);
  }
  assert.equal(result.find((p) => p.name === 'cpu')?.available, true);
  assert.equal(result.find((p) => p.name === 'wasm')?.available, true, 'the wasm binaries are found from dist/test/unit');
  assert.equal(tf.getBackend(), 'cpu', 'probing left the active backend alone');
});

test('cpu always activates', async () => {
  const selected = await selectBackend('cpu');
  assert.equal(selected.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.match(selected.reason, /cpu requested/);
});

test('wasm activates with SIMD/thread details and the training kernels installed', async () => {
  const selected = await selectBackend('wasm');
  assert.equal(selected.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(selected.reason, /SIMD|no SIMD/);
  assert.match(selected.reason, /single thread|multi-threaded/);
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'the missing filter gradient is registered');
  assert.ok(tf.getGradient('Conv2D'), 'gradients are registered');
});

test('tensorflow either activates or fails saying which package is missing and what to install', async () => {
  const expected = await probe('tensorflow');
  if (expected.available) {
    assert.equal((await selectBackend('tensorflow')).name, 'tensorflow');
    return;
  }
  await assert.rejects(selectBackend('tensorflow'), (error: unknown) => {
    assert.ok(error instanceof BackendUnavailableError);
    assert.match(error.message, /backend 'tensorflow' is not available: .*@tensorflow\/tfjs-node-gpu (not installed|failed to load)/);
    assert.match(error.message, /install @tensorflow\/tfjs-node-gpu/);
    return true;
  });
});

test('webgpu either activates on a GPU adapter or fails cleanly and quickly with the reason', async () => {
  const expected = await probe('webgpu');
  if (expected.available) {
    assert.equal((await selectBackend('webgpu')).name, 'webgpu');
    await selectBackend('cpu');
    return;
  }
  const started = Date.now();
  await assert.rejects(selectBackend('webgpu'), (error: unknown) => {
    assert.ok(error instanceof BackendUnavailableError);
    assert.ok(error.message.includes(expected.reason), error.message);
    assert.match(error.message, /Vulkan/);
    return true;
  });
  assert.ok(Date.now() - started < 15_000, 'fails within the adapter timeout');
});

test("auto takes the first available backend and says why each earlier one was skipped", async () => {
  const all = await probeBackends();
  const firstAvailable = all.find((p) => p.available)!;
  const selected = await selectBackend('auto');
  assert.equal(selected.name, firstAvailable.name);
  assert.equal(tf.getBackend(), firstAvailable.name);
  for (const skipped of all.slice(0, all.indexOf(firstAvailable))) assert.ok(selected.reason.includes(`${skipped.name}: `), selected.reason);
  assert.match(selected.reason, new RegExp(`using ${firstAvailable.name} \\(`));
});

test('the wasm binaries are searched next to the bundle, its ancestors and node_modules', () => {
  const start = join('/opt', 'ext', 'dist', 'test', 'unit');
  const dirs = wasmSearchDirs(start);
  assert.equal(dirs[0], start);
  assert.ok(dirs.includes(join('/opt', 'ext', 'dist')), 'the bundle directory dist/');
  assert.ok(dirs.includes(join('/opt', 'ext', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')));
  assert.ok(dirs.includes(dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))));
});
