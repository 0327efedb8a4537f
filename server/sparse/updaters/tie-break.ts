// Seeded tie-breaking of selection scores (RIGL-SPEC §4.2): a perturbation far below any
// meaningful difference, derived from (seed, step, layer), so no generator state is checkpointed.
import * as tf from '@tensorflow/tfjs-core';
import { uniformFloats } from '../rng.js';

/** Relative size of the perturbation: 2^-16 gives 128 float32 levels between exactly equal scores. */
const RELATIVE = 2 ** -16;
/** Absolute part, so exact zeros (e.g. dead units' gradients) are ordered too; a normal float32. */
const ABSOLUTE = 1e-30;

/**
 * sign·(score·(1 + δ·u) + ε·u) with u uniform in [0, 1) from `seed` (scores are ≥ 0; sign −1
 * ranks the smallest first without a separate negation). Generated on the host: the same for
 * the same seed on every backend, and it only runs at update steps.
 */
export function tieBroken(score: tf.Tensor, seed: number, sign: 1 | -1 = 1): tf.Tensor {
  return tf.tidy(() => {
    const noise = uniformFloats(score.size, seed);
    const factor = new Float32Array(noise.length);
    for (let i = 0; i < noise.length; i++) {
      factor[i] = sign * (1 + RELATIVE * noise[i]);
      noise[i] *= sign * ABSOLUTE;
    }
    return tf.add(tf.mul(score, tf.tensor(factor, score.shape)), tf.tensor(noise, score.shape));
  });
}
