// Numeric constants of the training step (momentum, weight decay, batch-norm factors, 1/N, …) as
// scalars made once per backend and kept there, so that on a GPU a step uploads only its batch.
import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs turns a number operand (`tf.mul(x, 0.9)`) into a fresh host tensor on every call, and
 * WebGPU uploads each one through its own staging buffer: hundreds per ResNet step. Constants
 * are few and fixed for a run, so they are cached by backend and value until the run ends.
 */
const cache = new Map<string, tf.Scalar>();

/** The float32 scalar `value` on the current backend; never dispose it (it is shared). */
export function deviceScalar(value: number): tf.Scalar {
  const key = `${tf.getBackend()}\u0000${Object.is(value, -0) ? '-0' : String(value)}`;
  let scalar = cache.get(key);
  if (!scalar || scalar.isDisposed) {
    // Kept: created inside a tidy or a gradient scope it must outlive that scope.
    scalar = tf.keep(tf.scalar(value, 'float32'));
    cache.set(key, scalar);
  }
  return scalar;
}

/** Releases every cached scalar (the trainer calls it when a run ends; the next use makes them anew). */
export function disposeDeviceScalars(): void {
  for (const scalar of cache.values()) scalar.dispose();
  cache.clear();
}

/** How many scalars the cache holds: live-tensor checks count tensors besides these bounded few. */
export function deviceScalarCount(): number {
  return cache.size;
}

/** Their bytes on the device (float32 scalars), for checks of device memory. */
export function deviceScalarBytes(): number {
  return 4 * cache.size;
}
