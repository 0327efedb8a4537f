// Initial binary masks (RIGL-SPEC §2): exactly floor(sparsity·N) zeros at positions drawn by a
// seeded permutation, identical on every backend for the same seed; plus the all-ones mask.
import * as tf from '@tensorflow/tfjs-core';
import { exactZeroCount } from './distribution.js';
import { mixSeed, Mulberry32, SEED_PURPOSE } from './rng.js';

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Zeros of a layer of `size` weights at `density`: floor((1 − density)·size), guarded against
 * float error. It is the plan's own count (distribution.ts), so masks and plan always agree.
 */
export function zeroCount(density: number, size: number): number {
  if (!(density >= 0 && density <= 1)) throw new RangeError(`density must be in [0, 1], got ${density}`);
  return exactZeroCount(1 - density, size);
}

/** Active (nonzero) entries of a layer at `density`: size − zeroCount. */
export function activeCount(density: number, size: number): number {
  return size - zeroCount(density, size);
}

/**
 * A float32 0/1 mask with exactly zeroCount(density, N) zeros placed uniformly at random.
 * tfjs has no seeded permutation and its seeded random ops differ between backends, so the
 * positions come from a partial Fisher–Yates shuffle on the host, seeded by (seed, layerIndex).
 * Initialisation runs once per run, so this host work is cheap enough even for ResNet-50.
 */
export function initialMask(shape: readonly number[], density: number, seed: number, layerIndex: number): tf.Tensor {
  const size = sizeOf(shape);
  const zeros = zeroCount(density, size);
  // Draw whichever set is smaller (the zeros or the ones), so a sparse layer costs few draws.
  const drawZeros = zeros <= size - zeros;
  const drawn = drawZeros ? zeros : size - zeros;
  const values = new Float32Array(size).fill(drawZeros ? 1 : 0);
  const order = new Int32Array(size);
  for (let i = 0; i < size; i++) order[i] = i;
  const generator = new Mulberry32(mixSeed(seed, layerIndex, SEED_PURPOSE.initialMask));
  for (let i = 0; i < drawn; i++) {
    const j = i + generator.nextBelow(size - i);
    const picked = order[j];
    order[j] = order[i];
    order[i] = picked;
    values[picked] = drawZeros ? 0 : 1;
  }
  return tf.tensor(values, [...shape], 'float32');
}

/** The all-ones mask: dense layers, and gmp's starting point. */
export function denseMask(shape: readonly number[]): tf.Tensor {
  return tf.ones([...shape], 'float32');
}
