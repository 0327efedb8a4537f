// Exact top-k selection as a mask: the drop and grow steps rely on it choosing exactly k of the
// eligible entries, the highest ones, deterministically; the prefiltered path must agree.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { topKCandidates, topKMask, topKMaskDirect, topKMaskPrefiltered } from '../../server/sparse/topk.js';
import { uniformFloats } from '../../server/sparse/rng.js';
import { topIndices, useCpuBackend, values } from './sparse-helpers.js';

before(useCpuBackend);

function chosen(mask: tf.Tensor): Set<number> {
  const set = new Set<number>();
  values(mask).forEach((v, i) => { if (v === 1) set.add(i); else assert.equal(v, 0); });
  return set;
}

test('exactly the k highest entries, never an excluded (-Infinity) one', () => {
  const scores = [0.5, -Infinity, 3, 2, -Infinity, 7, 1, 0];
  for (const select of [topKMask, topKMaskDirect, topKMaskPrefiltered]) {
    const mask = tf.tidy(() => select(tf.tensor1d(scores), 3));
    assert.deepEqual(chosen(mask), new Set([2, 3, 5]));
    mask.dispose();
    const none = tf.tidy(() => select(tf.tensor1d(scores), 0));
    assert.equal(chosen(none).size, 0);
    none.dispose();
  }
});

test('the prefiltered selection equals tf.topk on large inputs, ties and exclusions included', () => {
  const size = 200_000;
  const random = uniformFloats(size, 5);
  const excluded = uniformFloats(size, 6);
  // Coarse values make many exact ties at every threshold; a third of the entries are excluded.
  const scores = Float32Array.from(random, (r, i) => (excluded[i] < 1 / 3 ? -Infinity : Math.floor(r * 1000)));
  for (const k of [1, 17, 5000, 20_000]) {
    const candidates = tf.tidy(() => topKCandidates(tf.tensor1d(scores), k));
    assert.ok(candidates, `k = ${k}: the prefilter applies`);
    assert.ok(candidates.size >= k && candidates.size < size / 4, `k = ${k}: ${candidates.size} candidates`);
    candidates.dispose();
    const [direct, prefiltered] = tf.tidy(() => {
      const input = tf.tensor1d(scores);
      return [topKMaskDirect(input, k), topKMaskPrefiltered(input, k)];
    });
    const fromDirect = chosen(direct);
    assert.equal(fromDirect.size, k);
    assert.deepEqual(chosen(prefiltered), fromDirect, `k = ${k}`);
    for (const i of fromDirect) assert.notEqual(scores[i], -Infinity);
    tf.dispose([direct, prefiltered]);
  }
});

test('with distinct scores the selection is the host top-k; large k falls back to tf.topk', () => {
  const size = 100_000;
  const scores = Array.from(uniformFloats(size, 9), (r) => r * 10);
  const big = tf.tidy(() => topKMask(tf.tensor1d(scores), 40_000));
  assert.deepEqual(chosen(big), topIndices(scores, () => true, 40_000));
  big.dispose();
  assert.equal(tf.tidy(() => topKCandidates(tf.tensor1d(scores), 40_000)), undefined);
  const mask = tf.tidy(() => topKMask(tf.tensor1d(scores), 321));
  assert.deepEqual(chosen(mask), topIndices(scores, () => true, 321));
  mask.dispose();
});
