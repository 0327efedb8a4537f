// No tensor leaks in the sparse core: the live tensor count stays flat over many update cycles
// of every method, including gradient accumulation, the EMA and the statistics tracker.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { countOnesAll } from '../../server/sparse/device-reads.js';
import { MaskStatsTracker } from '../../server/sparse/stats.js';
import { createInitialMasks, createUpdater } from '../../server/sparse/updaters/index.js';
import { sparsityConfig, useCpuBackend } from './sparse-helpers.js';

before(useCpuBackend);

const layers = [
  { name: 'a', shape: [16, 12], density: 0.2 },
  { name: 'b', shape: [3, 3, 4, 6], density: 0.3 },
  { name: 'c', shape: [6, 5], density: 1 },
];

/** Trains nothing, but drives the updater and tracker exactly as the trainer does for `steps` steps. */
async function drive(steps: number, state: { masks: tf.Tensor[]; active: number[]; step: number }, updater: ReturnType<typeof createUpdater>, tracker: MaskStatsTracker): Promise<void> {
  for (let i = 0; i < steps; i++) {
    const step = ++state.step;
    if (updater.needsDenseGradient(step)) {
      const gradients = new Map(layers.map((l) => [l.name, tf.randomNormal(l.shape)]));
      updater.observeGradients(step, gradients);
      tf.dispose([...gradients.values()]);
    }
    if (!updater.isUpdateStep(step)) continue;
    const weights = state.masks.map((m) => tf.tidy(() => tf.mul(tf.randomNormal(m.shape), m)));
    const updates = await updater.update({ step, layers: layers.map((l, j) => ({ name: l.name, weight: weights[j], mask: state.masks[j], active: state.active[j] })) });
    tf.dispose([...weights, ...state.masks, ...updates.map((u) => u.keep)]);
    state.masks = updates.map((u) => u.mask);
    state.active = updates.map((u) => u.counts.active);
    await tracker.record(updates, state.masks, updater.updateFraction(step));
    // A checkpoint reads the live state tensors; it neither copies nor disposes them.
    const checkpoint = [...updater.getState().values(), ...tracker.getState().values()];
    assert.ok(checkpoint.every((t) => !t.isDisposed));
  }
}

for (const method of ['rigl', 'set', 'snfs', 'gmp', 'static'] as const) {
  test(`${method}: tf.memory().numTensors stays flat over many updates`, async () => {
    const config = sparsityConfig(method, { delta_t: 5, t_end: 0.9, grad_accumulation: 3, t_start: 0 });
    const totalSteps = 1000;
    const updater = createUpdater(method, config, { totalSteps, seed: 1, layers });
    const initial = createInitialMasks(method, layers, 1);
    const masks = layers.map((l) => initial.get(l.name)!);
    const state = { masks, active: await countOnesAll(masks), step: 0 };
    const tracker = new MaskStatsTracker(layers.map((l) => ({ name: l.name, params: l.shape.reduce((a, b) => a * b, 1), flops: 1 })), state.masks.map((mask, j) => ({ mask, active: state.active[j] })));
    await drive(10, state, updater, tracker);
    const before = tf.memory().numTensors;
    await drive(200, state, updater, tracker);
    assert.equal(tf.memory().numTensors, before, 'live tensors after 40 more update cycles');
    updater.setState(updater.getState());
    await tracker.setState(tracker.getState());
    assert.equal(tf.memory().numTensors, before, 'a state round trip leaks nothing');
    updater.dispose();
    tracker.dispose();
    tf.dispose(state.masks);
  });
}
