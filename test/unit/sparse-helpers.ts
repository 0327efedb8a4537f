// Shared fixtures of the sparse-core tests: a resolved sparsity config with overrides, host
// copies of tensors, and the cpu backend set up once.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { Method, SparsityConfig, UpdateConfig } from '../../server/config/types.js';

export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
}

export function sparsityConfig(method: Method, update: Partial<UpdateConfig> = {}): SparsityConfig {
  return {
    method,
    sparsity: 0.9,
    distribution: 'uniform',
    erk_power: 1,
    dense_first_layer: false,
    dense_last_layer: false,
    overrides: {},
    update: { delta_t: 10, alpha: 0.3, t_end: 0.75, t_start: 0, schedule: 'cosine', grad_accumulation: 1, ema_decay: 0.9, at_step_zero: false, ...update },
  };
}

export function values(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync());
}

export function sum(list: readonly number[]): number {
  return list.reduce((a, b) => a + b, 0);
}

/** Indices of the `count` largest of `scores` among `eligible` positions (scores assumed distinct). */
export function topIndices(scores: readonly number[], eligible: (i: number) => boolean, count: number): Set<number> {
  const order = scores.map((s, i) => [s, i] as const).filter(([, i]) => eligible(i)).sort((a, b) => b[0] - a[0]);
  return new Set(order.slice(0, count).map(([, i]) => i));
}
