// Initial masks (RIGL-SPEC §2) and the seeded generators behind them: exact zero counts, seeded
// uniform positions (a permutation, not a Bernoulli draw), reproducibility.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { countOnesAll } from '../../server/sparse/device-reads.js';
import { activeCount, denseMask, initialMask, zeroCount } from '../../server/sparse/masks.js';
import { mixSeed, Mulberry32, uniformFloats } from '../../server/sparse/rng.js';
import { createInitialMasks } from '../../server/sparse/updaters/index.js';
import { sum, useCpuBackend, values } from './sparse-helpers.js';

before(useCpuBackend);

test('zero counts are floor((1 − density)·N), robust to float error', () => {
  assert.equal(zeroCount(0.1, 1000), 900, '1 − 0.1 = 0.9 and 0.9 × 1000 must give 900, not 899');
  assert.equal(zeroCount(0.71, 100), 29, '0.29 × 100 is 28.999… in floating point');
  assert.equal(zeroCount(0.25, 10), 7, 'floor(7.5)');
  assert.equal(zeroCount(0.05, 7), 6, 'floor(6.65)');
  assert.equal(zeroCount(1, 50), 0);
  assert.equal(zeroCount(0, 50), 50);
  assert.equal(activeCount(0.1, 1000), 100);
  assert.throws(() => zeroCount(1.5, 10), RangeError);
});

// exactZeroCount (distribution.ts, shared with the plan) must floor s·N for large layers too:
// its float-error tolerance is relative to s·N and never rounds a fraction like .8 up.
test('zero counts floor for layers of over 500 k weights too', () => {
  assert.equal(zeroCount(0.2, 1_048_576), 838_860, 'floor(838860.8)');
  assert.equal(zeroCount(0.4, 2_359_296), 1_415_577, 'floor(1415577.6)');
});

test('an initial mask has exactly floor(sparsity·N) zeros, only 0/1 values, float32 and the weight shape', () => {
  for (const [shape, density] of [[[1000], 0.1], [[3, 3, 4, 8], 0.2], [[784, 300], 0.01], [[10, 10], 0.71], [[7], 0.05]] as const) {
    const mask = initialMask(shape, density, 42, 3);
    const data = values(mask);
    const size = shape.reduce((a, b) => a * b, 1);
    assert.deepEqual(mask.shape, [...shape]);
    assert.equal(mask.dtype, 'float32');
    assert.ok(data.every((v) => v === 0 || v === 1));
    assert.equal(data.filter((v) => v === 0).length, zeroCount(density, size), `zeros of ${shape} at density ${density}`);
    mask.dispose();
  }
});

test('density 1 gives all ones and density 0 all zeros (counted in one batched device read)', async () => {
  const ones = initialMask([5, 6], 1, 1, 0);
  const zeros = initialMask([5, 6], 0, 1, 0);
  const before = tf.memory().numTensors;
  assert.deepEqual(await countOnesAll([ones, zeros, ones]), [30, 0, 30]);
  assert.equal(tf.memory().numTensors, before, 'the read leaves no tensor behind');
  tf.dispose([ones, zeros]);
});

test('the same seed and layer give the same mask; another seed or layer gives another', () => {
  const reference = values(tf.tidy(() => initialMask([50, 40], 0.3, 7, 2)));
  assert.deepEqual(values(tf.tidy(() => initialMask([50, 40], 0.3, 7, 2))), reference);
  assert.notDeepEqual(values(tf.tidy(() => initialMask([50, 40], 0.3, 8, 2))), reference);
  assert.notDeepEqual(values(tf.tidy(() => initialMask([50, 40], 0.3, 7, 3))), reference);
  tf.disposeVariables();
});

test('zero positions are uniform over the layer (every position equally likely across seeds)', () => {
  const size = 20;
  const zerosAt = new Array<number>(size).fill(0);
  const seeds = 2000;
  for (let seed = 0; seed < seeds; seed++) {
    const mask = initialMask([size], 0.25, seed, 0);
    values(mask).forEach((v, i) => { if (v === 0) zerosAt[i]++; });
    mask.dispose();
  }
  // Each position is zero with probability 15/20; 2000 draws give a standard deviation of ~19.
  for (const count of zerosAt) assert.ok(Math.abs(count / seeds - 0.75) < 0.05, `position zero-rate ${count / seeds}`);
  assert.equal(sum(zerosAt), 15 * seeds, 'every mask has exactly 15 zeros');
});

test('createInitialMasks: random at density for rigl/set/snfs/static, all ones for gmp and dense', () => {
  const layers = [{ name: 'a', shape: [10, 10], density: 0.3 }, { name: 'b', shape: [4, 5], density: 1 }];
  for (const method of ['rigl', 'set', 'snfs', 'static'] as const) {
    const masks = createInitialMasks(method, layers, 11);
    const expected = initialMask([10, 10], 0.3, 11, 0);
    assert.deepEqual(values(masks.get('a')!), values(expected));
    assert.equal(sum(values(masks.get('b')!)), 20);
    tf.dispose([...masks.values(), expected]);
  }
  for (const method of ['gmp', 'dense'] as const) {
    const masks = createInitialMasks(method, layers, 11);
    assert.equal(sum(values(masks.get('a')!)), 100);
    tf.dispose([...masks.values()]);
  }
  const ones = denseMask([2, 3]);
  assert.deepEqual(values(ones), [1, 1, 1, 1, 1, 1]);
  ones.dispose();
});

test('seed mixing separates every part; mulberry32 is reproducible and bounded', () => {
  const seeds = new Set([mixSeed(0, 1, 2), mixSeed(0, 2, 1), mixSeed(1, 1, 2), mixSeed(0, 1, 3), mixSeed(0, 1, 2 + 2 ** 32)]);
  assert.equal(seeds.size, 5);
  assert.equal(mixSeed(5, 6), mixSeed(5, 6));
  const a = new Mulberry32(99);
  const b = new Mulberry32(99);
  for (let i = 0; i < 100; i++) assert.equal(a.nextUint32(), b.nextUint32());
  const draws = Array.from({ length: 1000 }, () => a.nextBelow(7));
  assert.ok(draws.every((d) => Number.isInteger(d) && d >= 0 && d < 7));
  assert.equal(new Set(draws).size, 7);
  const floats = uniformFloats(1000, 3);
  assert.ok(floats.every((f) => f >= 0 && f <= 1));
  assert.deepEqual(uniformFloats(1000, 3), floats);
  assert.throws(() => a.nextBelow(0), RangeError);
});
