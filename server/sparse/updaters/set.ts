// SET (Mocanu et al. 2018): like RigL, but the grow score is uniform random among inactive
// connections (RIGL-SPEC §5); the randomness is derived from (seed, step, layer).
import * as tf from '@tensorflow/tfjs-core';
import type { SparsityConfig } from '../../config/types.js';
import { mixSeed, SEED_PURPOSE, uniformFloats } from '../rng.js';
import type { MaskedLayer } from '../types.js';
import { DropGrowUpdater } from './drop-grow.js';
import type { ResolvedLayer, UpdaterOptions } from './layers.js';

export class SetUpdater extends DropGrowUpdater {
  constructor(sparsity: SparsityConfig, options: UpdaterOptions) {
    super('set', sparsity, options);
  }

  needsDenseGradient(): boolean {
    return false;
  }

  observeGradients(): void {}

  protected growScore(step: number, layer: ResolvedLayer, _input: MaskedLayer): tf.Tensor {
    return tf.tensor(uniformFloats(layer.size, mixSeed(this.seed, step, layer.index, SEED_PURPOSE.randomGrow)), [...layer.shape]);
  }

  getState(): Map<string, tf.Tensor> {
    return new Map();
  }

  setState(): void {}

  dispose(): void {}
}
