// SNFS (Dettmers & Zettlemoyer 2019) as in RIGL-SPEC §5: like RigL, but the grow score is
// |exponential moving average of the dense gradient|, which needs the dense gradient every step.
import * as tf from '@tensorflow/tfjs-core';
import type { SparsityConfig } from '../../config/types.js';
import { mixSeed, SEED_PURPOSE } from '../rng.js';
import type { MaskedLayer } from '../types.js';
import { DropGrowUpdater } from './drop-grow.js';
import { GradientStore } from './gradient-store.js';
import type { ResolvedLayer, UpdaterOptions } from './layers.js';
import { tieBroken } from './tie-break.js';

export class SnfsUpdater extends DropGrowUpdater {
  private readonly averages = new GradientStore('snfs/grad_ema/');
  private readonly decay: number;
  private lastObservedStep = -Infinity;

  constructor(sparsity: SparsityConfig, options: UpdaterOptions) {
    super('snfs', sparsity, options);
    this.decay = sparsity.update.ema_decay;
  }

  needsDenseGradient(): boolean {
    return true;
  }

  /** EMA ← d·EMA + (1 − d)·G, starting from 0; call it before update(t). */
  observeGradients(step: number, gradients: ReadonlyMap<string, tf.Tensor>): void {
    if (step <= this.lastObservedStep) throw new Error(`snfs: gradients of step ${step} observed twice or out of order`);
    this.lastObservedStep = step;
    for (const layer of this.table.layers) {
      const gradient = gradients.get(layer.name);
      if (!gradient) continue;
      this.averages.update(layer.name, (average) => {
        const fresh = tf.mul(gradient, 1 - this.decay);
        return average ? tf.add(tf.mul(average, this.decay), fresh) : fresh;
      });
    }
  }

  protected growScore(step: number, layer: ResolvedLayer, _input: MaskedLayer): tf.Tensor {
    const average = this.averages.get(layer.name);
    if (!average) throw new Error(`snfs: no gradient average for layer ${layer.name} at step ${step} (call observeGradients every step)`);
    return tieBroken(tf.abs(average), mixSeed(this.seed, step, layer.index, SEED_PURPOSE.growTieBreak));
  }

  getState(): Map<string, tf.Tensor> {
    return this.averages.snapshot();
  }

  setState(state: ReadonlyMap<string, tf.Tensor>): void {
    this.averages.restore(state);
  }

  dispose(): void {
    this.averages.clear();
  }
}
