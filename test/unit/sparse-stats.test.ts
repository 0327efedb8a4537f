// Mask statistics (RIGL-SPEC §6): per-layer counts, churn = grown / active, ITOP as the
// ever-active fraction (monotone), the global figures with FLOPs, and checkpoint state.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { MaskStatsTracker, type MaskStatsRecord } from '../../server/sparse/stats.js';
import type { SparseUpdater } from '../../server/sparse/types.js';
import { createInitialMasks, createUpdater } from '../../server/sparse/updaters/index.js';
import { sparsityConfig, sum, useCpuBackend, values } from './sparse-helpers.js';

before(useCpuBackend);

const layers = [
  { name: 'a', shape: [10, 10], density: 0.2, flops: 1000 },
  { name: 'b', shape: [5, 8], density: 0.5, flops: 3000 },
];
const statsLayers = layers.map((l) => ({ name: l.name, params: l.shape[0] * l.shape[1], flops: l.flops }));
const withCounts = (masks: tf.Tensor[]) => masks.map((mask) => ({ mask, active: sum(values(mask)) }));

/** Runs rigl for `updates` mask updates with random weights/gradients, handing every record to `onRecord`. */
async function runRigl(updater: SparseUpdater, tracker: MaskStatsTracker, masks: tf.Tensor[], updates: number, onRecord: (record: MaskStatsRecord, masks: number[][], previous: number[][]) => void): Promise<tf.Tensor[]> {
  let current = masks;
  for (let u = 1; u <= updates; u++) {
    const step = 10 * u;
    const gradients = new Map(layers.map((l, i) => [l.name, tf.randomNormal(l.shape, 0, 1, 'float32', 100 * u + i)]));
    updater.observeGradients(step, gradients);
    tf.dispose([...gradients.values()]);
    const weights = layers.map((l, i) => tf.tidy(() => tf.mul(tf.randomNormal(l.shape, 0, 1, 'float32', 1000 * u + i), current[i])));
    const result = await updater.update({ step, layers: layers.map((l, i) => ({ name: l.name, weight: weights[i], mask: current[i], active: sum(values(current[i])) })) });
    const previous = current.map(values);
    tf.dispose([...weights, ...current, ...result.map((r) => r.keep)]);
    current = result.map((r) => r.mask);
    onRecord(await tracker.record(result, current, updater.updateFraction(step)), current.map(values), previous);
  }
  return current;
}

test('per-layer stats, churn = grown/active, and ITOP = |union of all masks so far| / N, never decreasing', async () => {
  const initial = createInitialMasks('rigl', layers, 4);
  const masks = layers.map((l) => initial.get(l.name)!);
  const tracker = new MaskStatsTracker(statsLayers, withCounts(masks));
  const start = tracker.initial(layers.map((l, i) => ({ name: l.name, targetDensity: l.density, active: sum(values(masks[i])) })));
  assert.deepEqual(start.layers.map((l) => l.itop), [0.2, 0.5], 'ITOP starts at the density');
  assert.deepEqual(start.layers.map((l) => [l.dropped, l.grown, l.churn]), [[0, 0, 0], [0, 0, 0]]);
  const union = masks.map(values);
  const updater = createUpdater('rigl', sparsityConfig('rigl', { alpha: 0.5 }), { totalSteps: 100, seed: 4, layers });
  let previousItop = start.layers.map((l) => l.itop);
  const final = await runRigl(updater, tracker, masks, 5, (record, current, previous) => {
    record.layers.forEach((stats, i) => {
      current[i].forEach((m, j) => { if (m) union[i][j] = 1; });
      const n = current[i].length;
      assert.equal(stats.itop, sum(union[i]) / n, `${stats.name}: ITOP is the ever-active fraction`);
      assert.ok(stats.itop >= previousItop[i], 'ITOP never decreases');
      assert.equal(stats.active, sum(current[i]));
      assert.equal(stats.density, stats.active / n);
      assert.ok(stats.grown > 0);
      assert.equal(stats.churn, stats.grown / stats.active);
      const newcomers = current[i].filter((m, j) => m === 1 && previous[i][j] === 0).length;
      assert.equal(stats.grown - stats.grownBack, newcomers, 'grown = newcomers + grown back');
      assert.equal(stats.dropped, stats.grown);
      assert.equal(stats.targetDensity, layers[i].density);
    });
    previousItop = record.layers.map((l) => l.itop);
    assert.ok(record.updateFraction > 0 && record.updateFraction <= 0.5);
  });
  assert.ok(previousItop[0] > 0.2, 'exploration raised ITOP');
  tf.dispose(final);
  tracker.dispose();
  updater.dispose();
});

test('global figures: sparsity, ITOP, counts and the inference FLOPs factor Σ d·f / Σ f', () => {
  const masks = [tf.tensor(new Array(100).fill(0).map((_, i) => (i < 20 ? 1 : 0)), [10, 10]), undefined];
  const tracker = new MaskStatsTracker(statsLayers, [{ mask: masks[0]!, active: 20 }, undefined]);
  const { global, layers: perLayer } = tracker.initial([{ name: 'a', targetDensity: 0.2, active: 20 }, { name: 'b', targetDensity: 1, active: 40 }]);
  assert.equal(perLayer[1].itop, 1, 'an unmasked layer is dense and fully explored');
  assert.equal(global.active, 60);
  assert.equal(global.params, 140);
  assert.equal(global.density, 60 / 140);
  assert.equal(global.sparsity, 1 - 60 / 140);
  assert.equal(global.itop, 60 / 140);
  assert.equal(global.inferenceFlopsFactor, (0.2 * 1000 + 1 * 3000) / 4000);
  tf.dispose(masks.filter((m) => m !== undefined));
  tracker.dispose();
});

test('the ever-active masks survive a checkpoint', async () => {
  const initial = createInitialMasks('rigl', layers, 8);
  const masks = layers.map((l) => initial.get(l.name)!);
  const tracker = new MaskStatsTracker(statsLayers, withCounts(masks));
  const updater = createUpdater('rigl', sparsityConfig('rigl', { alpha: 0.5 }), { totalSteps: 100, seed: 8, layers });
  let itops: number[] = [];
  const final = await runRigl(updater, tracker, masks.map((m) => tf.clone(m)), 3, (record) => { itops = record.layers.map((l) => l.itop); });
  const state = tracker.getState();
  assert.deepEqual([...state.keys()], ['ever_active/a', 'ever_active/b']);
  const resumed = new MaskStatsTracker(statsLayers, withCounts(final));
  assert.notDeepEqual(resumed.initial(layers.map((l, i) => ({ name: l.name, targetDensity: l.density, active: sum(values(final[i])) }))).layers.map((l) => l.itop), itops);
  await resumed.setState(state);
  const record = await resumed.record([], final, 0);
  assert.deepEqual(record.layers.map((l) => l.itop), itops);
  tf.dispose([...final, ...masks]);
  tracker.dispose();
  resumed.dispose();
  updater.dispose();
});
