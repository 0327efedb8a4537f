// The baselines of RIGL-SPEC §5: set (random growth), snfs (growth by the gradient's moving
// average), gmp (gradual magnitude pruning from dense), and static/dense (masks never change).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { activeCount, initialMask } from '../../server/sparse/masks.js';
import { gmpSparsity } from '../../server/sparse/schedule.js';
import { uniformFloats } from '../../server/sparse/rng.js';
import { createInitialMasks, createUpdater } from '../../server/sparse/updaters/index.js';
import { sparsityConfig, sum, topIndices, useCpuBackend, values } from './sparse-helpers.js';

before(useCpuBackend);

const totalSteps = 100;
const shape = [10, 12];
const size = 120;

function randomWeights(mask: number[], seed: number): number[] {
  const r = uniformFloats(mask.length, seed);
  return mask.map((m, i) => m * (r[i] - 0.5));
}

async function updateOnce(method: 'set' | 'snfs', mask: number[], weight: number[], step: number, seed: number) {
  const updater = createUpdater(method, sparsityConfig(method), { totalSteps, seed, layers: [{ name: 'l', shape, density: 0.25 }] });
  if (method === 'snfs') updater.observeGradients(step, new Map([['l', tf.ones(shape)]]));
  const [update] = await updater.update({ step, layers: [{ name: 'l', weight: tf.tensor(weight, shape), mask: tf.tensor(mask, shape), active: sum(mask) }] });
  const result = { mask: values(update.mask), keep: values(update.keep), counts: update.counts };
  tf.dispose([update.mask, update.keep]);
  updater.dispose();
  return result;
}

test('set: drops the smallest |W|, grows only positions outside M1 at random, takes the optimizer step on updates', async () => {
  const mask = values(tf.tidy(() => initialMask(shape, 0.25, 1, 0)));
  const weight = randomWeights(mask, 2);
  const updater = createUpdater('set', sparsityConfig('set'), { totalSteps, seed: 1, layers: [{ name: 'l', shape, density: 0.25 }] });
  assert.equal(updater.needsDenseGradient(10), false, 'set never needs a gradient');
  assert.equal(updater.skipsOptimizerStep(10), false, 'the official code steps, then updates the mask');
  assert.equal(updater.skipsOptimizerStep(11), false);
  const fraction = updater.updateFraction(10);
  const k = Math.floor(fraction * 30);
  const kept = topIndices(weight.map(Math.abs), (i) => mask[i] === 1, 30 - k);
  const first = await updateOnce('set', mask, weight, 10, 1);
  assert.equal(sum(first.mask), 30);
  for (const i of kept) assert.equal(first.mask[i], 1, 'M1 is kept');
  assert.deepEqual(first.counts, { active: 30, dropped: k, grown: k, grownBack: first.counts.grownBack });
  const grown = first.mask.flatMap((m, i) => (m === 1 && !kept.has(i) ? [i] : []));
  assert.equal(grown.length, k, 'k positions outside M1 are grown');
  for (const i of grown) assert.equal(first.keep[i], mask[i], 'grown: keep only if it was just dropped');
  assert.deepEqual((await updateOnce('set', mask, weight, 10, 1)).mask, first.mask, 'reproducible');
  assert.notDeepEqual((await updateOnce('set', mask, weight, 10, 2)).mask, first.mask, 'the seed chooses the growth');
  assert.notDeepEqual((await updateOnce('set', mask, weight, 20, 1)).mask, first.mask, 'each update draws afresh');
  updater.dispose();
});

test('snfs: grows by |EMA of the dense gradient| (decay 0.9), which needs the gradient every step', async () => {
  const layer = { name: 'l', shape: [6], density: 0.5 };
  const updater = createUpdater('snfs', sparsityConfig('snfs', { alpha: 0.5 }), { totalSteps: 1000, seed: 3, layers: [layer] });
  for (const t of [1, 9, 10, 11, 999]) assert.equal(updater.needsDenseGradient(t), true);
  const mask = [1, 1, 1, 0, 0, 0];
  const weight = [0.9, 0.8, 0.01, 0, 0, 0];
  // Step 9: a huge gradient at position 3; step 10: a moderate one at position 4 only. The
  // average favours 3 (0.09·100 = 9 against 0.1·20 = 2), the last gradient alone would pick 4.
  const g9 = [0, 0, 0, 100, 0, 0];
  const g10 = [0, 0, 0, 0, 20, 0];
  updater.observeGradients(9, new Map([['l', tf.tensor(g9)]]));
  updater.observeGradients(10, new Map([['l', tf.tensor(g10)]]));
  const state = updater.getState();
  const average = values(state.get('snfs/grad_ema/l')!);
  [0, 0, 0, 9, 2, 0].forEach((expected, i) => assert.ok(Math.abs(average[i] - expected) < 1e-5, `EMA[${i}] = ${average[i]}`));
  assert.equal(Math.floor(updater.updateFraction(10) * 3), 1, 'one weight is replaced');
  const [update] = await updater.update({ step: 10, layers: [{ name: 'l', weight: tf.tensor(weight), mask: tf.tensor(mask), active: 3 }] });
  assert.deepEqual(values(update.mask), [1, 1, 0, 1, 0, 0], 'drops the smallest weight, grows where the average is largest');
  assert.deepEqual(values(update.keep), [1, 1, 0, 0, 0, 0]);
  assert.equal(updater.skipsOptimizerStep(10), false, 'the official code steps, then updates the mask');
  tf.dispose([update.mask, update.keep]);
  updater.dispose();
});

test('gmp: starts dense, prunes the smallest |W| at its steps, reaches the exact target at t1, never regrows', async () => {
  const layers = [{ name: 'p', shape, density: 0.1 }, { name: 'q', shape: [7, 7], density: 0.35 }];
  const config = sparsityConfig('gmp', { delta_t: 10, t_start: 0.2, t_end: 0.75 });
  const updater = createUpdater('gmp', config, { totalSteps, seed: 5, layers });
  const steps = Array.from({ length: totalSteps }, (_, i) => i + 1).filter((t) => updater.isUpdateStep(t));
  assert.deepEqual(steps, [30, 40, 50, 60, 70, 75], 'every ΔT in (t0 = 20, t1 = 75), and at t1');
  for (let t = 1; t <= totalSteps; t++) {
    assert.equal(updater.skipsOptimizerStep(t), false);
    assert.equal(updater.needsDenseGradient(t), false);
  }
  const masks = createInitialMasks('gmp', layers, 5);
  let current = layers.map((l) => values(masks.get(l.name)!));
  tf.dispose([...masks.values()]);
  assert.deepEqual(current.map(sum), [120, 49], 'gmp starts dense');
  const weights = layers.map((l, i) => Array.from(uniformFloats(current[i].length, 50 + i), (r, j) => (j % 2 ? r : -r)));
  for (const t of steps) {
    const updates = await updater.update({ step: t, layers: layers.map((l, i) => ({ name: l.name, weight: tf.tensor(weights[i], l.shape), mask: tf.tensor(current[i], l.shape), active: sum(current[i]) })) });
    updates.forEach((update, i) => {
      const next = values(update.mask);
      const n = current[i].length;
      const target = n - Math.floor(gmpSparsity(1 - layers[i].density, t, 20, 75) * n + 1e-9);
      assert.equal(sum(next), Math.min(target, sum(current[i])), `${update.name} at ${t}: active = N − floor(s(t)·N)`);
      next.forEach((m, j) => assert.ok(m <= current[i][j], 'a pruned weight never comes back'));
      const expectedKept = topIndices(weights[i].map(Math.abs), (j) => current[i][j] === 1, sum(next));
      next.forEach((m, j) => assert.equal(m, expectedKept.has(j) ? 1 : 0, 'the smallest magnitudes go'));
      assert.deepEqual(values(update.keep), next);
      assert.equal(update.counts.grown, 0);
      assert.equal(update.counts.dropped, sum(current[i]) - sum(next));
      assert.equal(update.targetDensity, sum(next) / n);
      current[i] = next;
    });
    tf.dispose(updates.flatMap((u) => [u.mask, u.keep]));
  }
  assert.deepEqual(current.map(sum), [activeCount(0.1, 120), activeCount(0.35, 49)], 'exactly the plan’s nnz at t1');
  assert.equal(updater.updateFraction(30), 0);
  updater.dispose();
});

test('static and dense never update, never skip the optimizer and need no dense gradient', async () => {
  for (const method of ['static', 'dense'] as const) {
    const updater = createUpdater(method, sparsityConfig(method), { totalSteps, seed: 1, layers: [{ name: 'l', shape, density: 0.25 }] });
    assert.equal(updater.method, method);
    for (let t = 0; t <= totalSteps + 10; t++) {
      assert.equal(updater.isUpdateStep(t), false);
      assert.equal(updater.skipsOptimizerStep(t), false);
      assert.equal(updater.needsDenseGradient(t), false);
    }
    await assert.rejects(updater.update({ step: 10, layers: [] }), /never change/);
    assert.equal(updater.getState().size, 0);
    updater.dispose();
  }
  const masks = createInitialMasks('static', [{ name: 'l', shape, density: 0.25 }], 9);
  const reference = initialMask(shape, 0.25, 9, 0);
  assert.deepEqual(values(masks.get('l')!), values(reference), 'static uses the seeded random mask');
  tf.dispose([...masks.values(), reference]);
});

test('only rigl skips the optimizer step on its update steps; only rigl and snfs ask for dense gradients', () => {
  const layers = [{ name: 'l', shape, density: 0.25 }];
  const updating = (['rigl', 'set', 'snfs', 'static', 'gmp', 'dense'] as const).filter((m) => createUpdater(m, sparsityConfig(m), { totalSteps, seed: 1, layers }).isUpdateStep(10));
  assert.deepEqual(updating, ['rigl', 'set', 'snfs', 'gmp'], 'step 10 is an update step of every method that changes masks');
  const skipping = (['rigl', 'set', 'snfs', 'static', 'gmp', 'dense'] as const).filter((m) => createUpdater(m, sparsityConfig(m), { totalSteps, seed: 1, layers }).skipsOptimizerStep(10));
  assert.deepEqual(skipping, ['rigl'], 'set and snfs apply the step, then update the mask (the official code)');
  const needing = (['rigl', 'set', 'snfs', 'static', 'gmp', 'dense'] as const).filter((m) => createUpdater(m, sparsityConfig(m), { totalSteps, seed: 1, layers }).needsDenseGradient(10));
  assert.deepEqual(needing, ['rigl', 'snfs']);
  assert.equal(size, 120);
});
