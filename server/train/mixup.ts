// mixup (Zhang et al. 2018) as in the PyTorch port (NVIDIA's image_classification/mixup.py): each
// batch is blended with a random permutation of itself, x = λ·x + (1 − λ)·x[perm], and the loss
// blends the two labels' losses the same way; λ ~ Beta(α, α) and the permutation are drawn per
// step from the run's seed, so a resumed run draws the same ones.
import * as tf from '@tensorflow/tfjs-core';
import { mixSeed, Mulberry32, SEED_PURPOSE } from '../sparse/rng.js';

export interface MixedBatch {
  x: tf.Tensor;
  /** The label of each example's partner: labels[perm]. */
  partnerLabels: tf.Tensor1D;
  lambda: number;
}

/**
 * λ ~ Beta(α, α) for step t, as X / (X + Y) with X, Y ~ Gamma(α). Written here rather than taken
 * from tf.randomGamma because it must be drawn on the host (a tensor read is asynchronous on
 * webgpu) and be the same on every backend.
 */
export function mixupLambda(alpha: number, seed: number, step: number): number {
  const random = new Mulberry32(mixSeed(seed, step, SEED_PURPOSE.mixup));
  const x = gammaSample(alpha, random);
  const y = gammaSample(alpha, random);
  return x + y > 0 ? x / (x + y) : 0.5;
}

/** The partner of every example of step t's batch: a seeded Fisher–Yates permutation. */
export function mixupPermutation(size: number, seed: number, step: number): Int32Array {
  const random = new Mulberry32(mixSeed(seed, step, SEED_PURPOSE.mixup, 1));
  const order = Int32Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = random.nextBelow(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Blend step t's batch with its permutation; the caller owns the result's tensors. */
export function mixBatch(x: tf.Tensor, labels: tf.Tensor1D, alpha: number, seed: number, step: number): MixedBatch {
  const lambda = mixupLambda(alpha, seed, step);
  const permutation = tf.tensor1d(mixupPermutation(labels.shape[0], seed, step), 'int32');
  const mixed = {
    x: tf.tidy(() => tf.add(tf.mul(x, lambda), tf.mul(tf.gather(x, permutation), 1 - lambda))),
    partnerLabels: tf.gather(labels, permutation),
    lambda,
  };
  permutation.dispose();
  return mixed;
}

/** Marsaglia & Tsang (2000); for shape < 1, Gamma(a) = Gamma(a + 1)·U^(1/a). */
function gammaSample(shape: number, random: Mulberry32): number {
  if (shape < 1) return gammaSample(shape + 1, random) * Math.pow(1 - random.nextFloat(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = normalSample(random);
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.nextFloat();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** A standard normal by Box–Muller. */
function normalSample(random: Mulberry32): number {
  const u = 1 - random.nextFloat();
  const v = random.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
