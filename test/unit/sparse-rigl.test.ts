// RigL (RIGL-SPEC §3–§4): which steps update and skip the optimizer, which gradients are needed
// and summed, and one update's drop, grow, keep and counts checked against a host computation.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { activeCount, initialMask } from '../../server/sparse/masks.js';
import { uniformFloats } from '../../server/sparse/rng.js';
import type { LayerUpdate, SparseUpdater } from '../../server/sparse/types.js';
import { createUpdater } from '../../server/sparse/updaters/index.js';
import { tieBroken } from '../../server/sparse/updaters/tie-break.js';
import { sparsityConfig, sum, topIndices, useCpuBackend, values } from './sparse-helpers.js';

before(useCpuBackend);

const layers = [
  { name: 'a', shape: [10, 10], density: 0.3 },
  { name: 'b', shape: [3, 3, 4, 8], density: 0.1 },
  { name: 'dense', shape: [4, 4], density: 1 },
];
const totalSteps = 100; // ΔT = 10, T_end = 75: updates at 10, 20, …, 70

function rigl(update: Parameters<typeof sparsityConfig>[1] = {}, seed = 1): SparseUpdater {
  return createUpdater('rigl', sparsityConfig('rigl', update), { totalSteps, seed, layers });
}

/** Distinct random magnitudes with random signs, zero where the mask is 0. */
function weightsFor(mask: number[], seed: number): number[] {
  const r = uniformFloats(mask.length * 2, seed);
  return mask.map((m, i) => (m ? (0.01 + r[i]) * (r[mask.length + i] < 0.5 ? -1 : 1) : 0));
}

function gradientFor(size: number, seed: number): number[] {
  const r = uniformFloats(size, seed);
  return Array.from(r, (v, i) => (i % 2 ? v : -v));
}

interface Scenario { masks: number[][]; weights: number[][]; gradients: number[][] }

function scenario(seed: number): Scenario {
  const masks = layers.map((l, i) => values(tf.tidy(() => initialMask(l.shape, l.density, seed, i))));
  const weights = masks.map((m, i) => weightsFor(m, seed * 10 + i));
  const gradients = masks.map((m, i) => gradientFor(m.length, seed * 100 + i));
  return { masks, weights, gradients };
}

async function runUpdate(updater: SparseUpdater, step: number, s: Scenario): Promise<LayerUpdate[]> {
  const tensors = layers.map((l, i) => ({ name: l.name, weight: tf.tensor(s.weights[i], l.shape), mask: tf.tensor(s.masks[i], l.shape), active: sum(s.masks[i]) }));
  const result = await updater.update({ step, layers: tensors });
  tf.dispose(tensors.flatMap((t) => [t.weight, t.mask]));
  return result;
}

function observe(updater: SparseUpdater, step: number, gradients: number[][]): void {
  const map = new Map(layers.map((l, i) => [l.name, tf.tensor(gradients[i], l.shape)]));
  updater.observeGradients(step, map);
  tf.dispose([...map.values()]);
}

/** RIGL-SPEC §4 on the host: M1 keeps the n − k largest |W|; M2 the k largest |G| outside M1. */
function expectedUpdate(mask: number[], weight: number[], gradient: number[], fraction: number) {
  const active = sum(mask);
  const k = Math.floor(fraction * active);
  const kept = topIndices(weight.map(Math.abs), (i) => mask[i] === 1, active - k);
  const grown = topIndices(gradient.map(Math.abs), (i) => !kept.has(i), k);
  const dropped = new Set(mask.flatMap((m, i) => (m === 1 && !kept.has(i) ? [i] : [])));
  return { k, kept, grown, dropped };
}

test('updates at t mod ΔT = 0 before T_end, and the optimizer step is skipped exactly then', () => {
  const updater = rigl();
  const steps = Array.from({ length: totalSteps }, (_, i) => i + 1);
  const expected = [10, 20, 30, 40, 50, 60, 70];
  assert.deepEqual(steps.filter((t) => updater.isUpdateStep(t)), expected);
  assert.deepEqual(steps.filter((t) => updater.skipsOptimizerStep(t)), expected);
  assert.equal(updater.isUpdateStep(80), false, '80 mod 10 = 0 but 80 ≥ T_end = 75');
  assert.equal(updater.updateFraction(0), 0.3);
  updater.dispose();
});

test('the dense gradient is needed on the update step and the grad_accumulation − 1 steps before it', () => {
  const steps = Array.from({ length: totalSteps }, (_, i) => i + 1);
  assert.deepEqual(steps.filter((t) => rigl().needsDenseGradient(t)), [10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(steps.filter((t) => rigl({ grad_accumulation: 3 }).needsDenseGradient(t)).slice(0, 6), [8, 9, 10, 18, 19, 20]);
  assert.equal(rigl({ grad_accumulation: 3 }).needsDenseGradient(78), false, 'no update ahead after T_end');
});

test('one update: drop the smallest |W|, grow the largest |G| outside M1, keep values of regrown ones', async () => {
  const s = scenario(3);
  const fraction = rigl().updateFraction(10);
  // Make the gradient huge on two positions the drop step removes, so they are grown back, and
  // on the kept positions, which must still never be grown.
  const a = expectedUpdate(s.masks[0], s.weights[0], s.gradients[0], fraction);
  const regrown = [...a.dropped].slice(0, 2);
  for (const i of a.dropped) s.gradients[0][i] = 0;
  for (const i of regrown) s.gradients[0][i] = 50;
  for (const i of a.kept) s.gradients[0][i] = 100;

  const updater = rigl();
  observe(updater, 10, s.gradients);
  const updates = await runUpdate(updater, 10, s);
  assert.deepEqual(updates.map((u) => u.name), ['a', 'b', 'dense']);
  for (const [i, update] of updates.entries()) {
    const mask = s.masks[i];
    const newMask = values(update.mask);
    const keep = values(update.keep);
    assert.deepEqual(update.mask.shape, layers[i].shape);
    assert.equal(sum(newMask), sum(mask), `${update.name}: the active count is unchanged`);
    if (update.name === 'dense') {
      assert.deepEqual(update.counts, { active: 16, dropped: 0, grown: 0, grownBack: 0 }, 'a dense layer has nothing to explore');
      assert.deepEqual(keep, mask);
      continue;
    }
    const expected = expectedUpdate(mask, s.weights[i], s.gradients[i], fraction);
    assert.ok(expected.k > 0);
    const union = new Set([...expected.kept, ...expected.grown]);
    assert.deepEqual(newMask, mask.map((_, j) => (union.has(j) ? 1 : 0)), `${update.name}: M = M1 ∪ M2`);
    for (const j of expected.kept) assert.equal(keep[j], 1, 'kept weights keep their value');
    for (let j = 0; j < mask.length; j++) {
      if (newMask[j] === 1 && mask[j] === 0) assert.equal(keep[j], 0, 'newly grown weights start at 0');
      if (newMask[j] === 0 && mask[j] === 1) assert.equal(keep[j], 0, 'dropped weights become 0');
      if (newMask[j] === 0 && mask[j] === 0) assert.equal(keep[j], 0);
    }
    const grownBack = [...expected.dropped].filter((j) => expected.grown.has(j));
    for (const j of grownBack) assert.equal(keep[j], 1, 'dropped and grown back: keeps its value');
    assert.deepEqual(update.counts, { active: sum(mask), dropped: expected.k, grown: expected.k, grownBack: grownBack.length });
    assert.equal(update.targetDensity, sum(mask) / mask.length);
  }
  assert.equal(updates[0].counts.grownBack, 2);
  tf.dispose(updates.flatMap((u) => [u.mask, u.keep]));
  updater.dispose();
});

test('grad_accumulation = a sums the dense gradients of the last a batches (and only those)', async () => {
  const s = scenario(4);
  const updater = rigl({ grad_accumulation: 3 });
  const batches = [8, 9, 10].map((step) => scenario(step + 40).gradients);
  // A huge gradient outside the window must not count.
  observe(updater, 7, s.gradients.map((g) => g.map(() => 1e6)));
  for (const [j, step] of [8, 9, 10].entries()) observe(updater, step, batches[j]);
  const summed = s.gradients.map((_, i) => batches[0][i].map((_, j) => batches[0][i][j] + batches[1][i][j] + batches[2][i][j]));
  const updates = await runUpdate(updater, 10, s);
  const fraction = updater.updateFraction(10);
  for (const i of [0, 1]) {
    const expected = expectedUpdate(s.masks[i], s.weights[i], summed[i], fraction);
    const union = new Set([...expected.kept, ...expected.grown]);
    assert.deepEqual(values(updates[i].mask), s.masks[i].map((_, j) => (union.has(j) ? 1 : 0)));
    const onlyLast = expectedUpdate(s.masks[i], s.weights[i], batches[2][i], fraction);
    assert.notDeepEqual(onlyLast.grown, expected.grown, 'the last batch alone would grow elsewhere');
  }
  tf.dispose(updates.flatMap((u) => [u.mask, u.keep]));
  assert.equal(updater.getState().size, 0, 'the sums restart after the update');
  updater.dispose();
});

test('gradient sums survive a checkpoint between accumulation steps', async () => {
  const s = scenario(5);
  const [g8, g9, g10] = [8, 9, 10].map((step) => scenario(step + 60).gradients);
  const original = rigl({ grad_accumulation: 3 });
  const resumed = rigl({ grad_accumulation: 3 });
  observe(original, 8, g8);
  observe(original, 9, g9);
  const state = original.getState();
  assert.deepEqual([...state.keys()].sort(), ['rigl/grad_sum/a', 'rigl/grad_sum/b', 'rigl/grad_sum/dense']);
  resumed.setState(state);
  observe(original, 10, g10);
  observe(resumed, 10, g10);
  const [a, b] = [await runUpdate(original, 10, s), await runUpdate(resumed, 10, s)];
  for (let i = 0; i < layers.length; i++) assert.deepEqual(values(a[i].mask), values(b[i].mask));
  tf.dispose([...a, ...b].flatMap((u) => [u.mask, u.keep]));
  original.dispose();
  resumed.dispose();
});

test('ties in |W| are broken by a seeded perturbation: reproducible, seed-dependent, not index order', async () => {
  const shape = [40];
  const mask = new Array(40).fill(1).map((_, i) => (i < 30 ? 1 : 0));
  const weight = mask.map((m) => m * 0.5);
  const gradient = new Array(40).fill(0).map((_, i) => (i < 30 ? 0 : 1 + i));
  const dropSet = async (seed: number) => {
    const updater = createUpdater('rigl', sparsityConfig('rigl'), { totalSteps, seed, layers: [{ name: 't', shape, density: 0.75 }] });
    updater.observeGradients(10, new Map([['t', tf.tensor(gradient)]]));
    const [update] = await updater.update({ step: 10, layers: [{ name: 't', weight: tf.tensor(weight), mask: tf.tensor(mask), active: 30 }] });
    const newMask = values(update.mask);
    tf.dispose([update.mask, update.keep]);
    updater.dispose();
    tf.disposeVariables();
    return newMask.slice(0, 30).flatMap((m, i) => (m === 0 ? [i] : []));
  };
  const first = await dropSet(1);
  assert.equal(first.length, Math.floor(rigl().updateFraction(10) * 30));
  assert.deepEqual(await dropSet(1), first, 'the same seed drops the same tied weights');
  assert.notDeepEqual(await dropSet(2), first, 'another seed drops others');
  const lowestIndices = Array.from({ length: first.length }, (_, i) => i);
  const highestIndices = Array.from({ length: first.length }, (_, i) => 30 - first.length + i);
  assert.notDeepEqual(first, lowestIndices);
  assert.notDeepEqual(first, highestIndices);
});

test('update refuses a step that is not an update step, and a rigl update without gradients', async () => {
  const s = scenario(6);
  const updater = rigl();
  await assert.rejects(runUpdate(updater, 11, s), /not a mask update step/);
  await assert.rejects(runUpdate(updater, 10, s), /no dense gradient for layer a/);
  const onlyA = tf.tensor(s.gradients[0], layers[0].shape);
  updater.observeGradients(10, new Map([['a', onlyA]]));
  onlyA.dispose();
  const inputs = layers.map((l, i) => ({ name: l.name, weight: tf.tensor(s.weights[i], l.shape), mask: tf.tensor(s.masks[i], l.shape), active: sum(s.masks[i]) }));
  const before = tf.memory().numTensors;
  await assert.rejects(updater.update({ step: 10, layers: inputs }), /no dense gradient for layer b/);
  assert.equal(tf.memory().numTensors, before, 'the failed update disposed the layer a result it had made');
  tf.dispose(inputs.flatMap((t) => [t.weight, t.mask]));
  assert.throws(() => observe(updater, 10, s.gradients), /observed twice/);
  updater.dispose();
});

test('a ResNet-50-sized layer (3×3×512×512) keeps its active count and swaps k weights', async () => {
  const shape = [3, 3, 512, 512];
  const updater = createUpdater('rigl', sparsityConfig('rigl'), { totalSteps, seed: 0, layers: [{ name: 'layer4.0.conv2', shape, density: 0.1 }] });
  const [mask, weight, gradient] = [initialMask(shape, 0.1, 0, 0), tf.randomNormal(shape, 0, 1, 'float32', 1), tf.randomNormal(shape, 0, 1, 'float32', 2)];
  const maskedWeight = tf.mul(weight, mask);
  updater.observeGradients(10, new Map([['layer4.0.conv2', gradient]]));
  const [update] = await updater.update({ step: 10, layers: [{ name: 'layer4.0.conv2', weight: maskedWeight, mask, active: 235930 }] });
  assert.equal(activeCount(0.1, 3 * 3 * 512 * 512), 235930);
  assert.equal(update.counts.active, 235930);
  assert.equal(tf.tidy(() => tf.sum(update.mask).dataSync()[0]), 235930);
  const k = Math.floor(updater.updateFraction(10) * 235930);
  assert.equal(update.counts.dropped, k);
  assert.equal(update.counts.grown, k);
  // Grown positions were inactive or just dropped: the overlap of old and new masks is n − k + grown back.
  assert.equal(tf.tidy(() => tf.sum(update.keep).dataSync()[0]), 235930 - k + update.counts.grownBack);
  tf.dispose([mask, weight, gradient, maskedWeight, update.mask, update.keep]);
  updater.dispose();
});

test('the tie-break perturbation is tiny, seeded, orders exact zeros, and keeps distinct scores in order', () => {
  const scores = [0, 0, 0, 1, 1, 1, 0.5, 0.25];
  const [a, again, other, negative] = tf.tidy(() => [tieBroken(tf.tensor(scores), 7), tieBroken(tf.tensor(scores), 7), tieBroken(tf.tensor(scores), 8), tieBroken(tf.tensor(scores), 7, -1)].map(values));
  assert.deepEqual(again, a);
  assert.notDeepEqual(other, a);
  assert.deepEqual(negative, a.map((v) => -v));
  scores.forEach((s, i) => assert.ok(a[i] >= s && a[i] - s <= s * 2 ** -16 + 1e-30, `score ${s} → ${a[i]}`));
  assert.equal(new Set(a.slice(0, 3)).size, 3, 'zeros become distinct');
  assert.equal(new Set(a.slice(3, 6)).size, 3, 'equal scores become distinct');
  assert.ok(a[7] < a[6] && a[6] < Math.min(...a.slice(3, 6)) && Math.max(...a.slice(0, 3)) < a[7]);
});
