// mixup (Zhang et al. 2018) as in the PyTorch port: each batch is blended with itself reversed,
// x = λ·x + (1 − λ)·x[::-1], and the loss blends the two labels' losses the same way, with
// λ ~ Beta(α, α) drawn per step from the run's seed (so a resumed run draws the same λ).
import * as tf from '@tensorflow/tfjs-core';
import { mixSeed, Mulberry32, SEED_PURPOSE } from '../sparse/rng.js';

export interface MixedBatch {
  x: tf.Tensor;
  /** The partner of each example: the batch's labels reversed. */
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

/** Blend the batch with itself reversed; the caller owns the result's tensors. */
export function mixBatch(x: tf.Tensor, labels: tf.Tensor1D, lambda: number): MixedBatch {
  return {
    x: tf.tidy(() => tf.add(tf.mul(x, lambda), tf.mul(tf.reverse(x, 0), 1 - lambda))),
    partnerLabels: tf.reverse(labels, 0),
    lambda,
  };
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
