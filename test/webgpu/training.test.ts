// The webgpu tier on SwiftShader: LeNet-300-100 and cnn-small train RigL across a mask update on
// webgpu and on cpu from the same initialisation; losses, masks, counts, zeros and memory agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { buildPlan } from '../../server/sparse/plan.js';
import { parityConfig, recordRun, relativeDifference, type BackendRecord } from './parity.js';
import { useSwiftshader } from './swiftshader.js';

const skip = useSwiftshader();

/**
 * Small batches and ΔT = 3: the first mask update at step 3. SwiftShader runs a LeNet step in
 * about a second, but its top-k over fc1's 235 k scores takes seconds, so LeNet crosses one
 * update and cnn-small (24 k weights) two.
 */
const UPDATE_STEP = 3;

const cases = [
  {
    model: 'lenet-300-100',
    maxSteps: 5,
    body: `model: lenet-300-100
dataset: { name: mnist }
sparsity: { method: rigl, sparsity: 0.9, distribution: erk, update: { delta_t: ${UPDATE_STEP}, alpha: 0.3, t_end: 0.75 } }
training: { epochs: 1, batch_size: 16, log_every: 1, eval_batch_size: 2000, optimizer: { lr: 0.05 }, seed: 3 }`,
  },
  {
    model: 'cnn-small',
    maxSteps: 6,
    body: `model: cnn-small
dataset: { name: synthetic, synthetic_size: 32, image_size: 32 }
sparsity: { method: rigl, sparsity: 0.8, distribution: erk, update: { delta_t: ${UPDATE_STEP}, alpha: 0.3, t_end: 0.75 } }
training: { epochs: 3, batch_size: 4, log_every: 1, eval_batch_size: 8, optimizer: { lr: 0.05 }, seed: 5 }`,
  },
];

function assertAgrees(model: string, body: string, cpu: BackendRecord, gpu: BackendRecord): void {
  assert.equal(gpu.summary.state, 'completed', `${model} on webgpu: ${gpu.summary.message}`);
  assert.equal(gpu.summary.backend, 'webgpu');
  assert.equal(cpu.summary.state, 'completed', cpu.summary.message);
  // Before the first update both train the same masks from the same initialisation.
  for (let step = 1; step <= UPDATE_STEP; step++) {
    const [a, b] = [cpu.losses.get(step)!, gpu.losses.get(step)!];
    assert.ok(Number.isFinite(b), `${model} step ${step}: webgpu loss ${b}`);
    assert.ok(relativeDifference(a, b) <= 1e-5, `${model} step ${step}: loss cpu ${a} vs webgpu ${b}`);
  }
  // After the update: every layer holds exactly the plan's nonzeros, and the masks are cpu's.
  const plan = buildPlan(parityConfig(body, 'cpu'));
  const update = gpu.maskEvents.find((e) => e.step === UPDATE_STEP);
  assert.ok(update, `${model}: no mask event at step ${UPDATE_STEP}`);
  update.layers.forEach((layer, i) => assert.equal(layer.active, plan.layers[i].nnz, `${model} ${layer.name}: ${layer.active} active, planned ${plan.layers[i].nnz}`));
  assert.ok(update.layers.some((layer) => layer.grown > 0), 'the update moved weights');
  for (const [name, mask] of gpu.masks) {
    const ones = mask.reduce((a, b) => a + b, 0);
    assert.equal(ones, plan.layers.find((l) => l.name === name)!.nnz, `${model} ${name}: ones in the webgpu mask`);
    const reference = cpu.masks.get(name)!;
    // Scores tie-broken by the same seeded perturbation on both backends: only float-level
    // near-ties could order differently, and none occur in these runs.
    const differing = mask.reduce((count, m, j) => count + (m !== reference[j] ? 1 : 0), 0);
    assert.equal(differing, 0, `${model} ${name}: ${differing} mask positions differ from cpu`);
  }
  for (const [step, mass] of gpu.maskedMass) {
    assert.equal(mass.weight, 0, `${model} step ${step}: weights where the mask is 0`);
    assert.equal(mass.momentum, 0, `${model} step ${step}: momentum where the mask is 0`);
  }
  // Flat from the first update on (it uploads the ever-active masks, kept on the host until first
  // used), across cnn-small's second update at step 6.
  const steady = [...gpu.memory.entries()].filter(([step]) => step >= UPDATE_STEP).map(([, m]) => m);
  assert.ok(steady.length >= 3, `${steady.length} steps from the first update on`);
  for (const m of steady) {
    assert.equal(m.tensors, steady[0].tensors, `${model}: live tensors ${steady.map((s) => s.tensors).join(', ')}`);
    assert.equal(m.bytes, steady[0].bytes, `${model}: GPU bytes ${steady.map((s) => s.bytes).join(', ')}`);
  }
}

for (const { model, body, maxSteps } of cases) {
  test(`${model} RigL on webgpu (SwiftShader) matches cpu across a mask update`, { skip }, async () => {
    const cpu = await recordRun(body, 'cpu', maxSteps, UPDATE_STEP);
    const gpu = await recordRun(body, 'webgpu', maxSteps, UPDATE_STEP);
    assert.match(String(tf.getBackend()), /webgpu/);
    assertAgrees(model, body, cpu, gpu);
  });
}
