// Base of the updaters that grow by a gradient statistic (rigl: a sum over recent batches; snfs:
// a moving average): keeps it per layer, in step order, and grows where its magnitude is largest.
import * as tf from '@tensorflow/tfjs-core';
import type { Method, SparsityConfig } from '../../config/types.js';
import { mixSeed, SEED_PURPOSE } from '../rng.js';
import type { MaskedLayer } from '../types.js';
import { DropGrowUpdater } from './drop-grow.js';
import { GradientStore } from './gradient-store.js';
import type { ResolvedLayer, UpdaterOptions } from './layers.js';
import { tieBroken } from './tie-break.js';

export abstract class GradientGrownUpdater extends DropGrowUpdater {
  protected readonly statistic: GradientStore;
  private lastObservedStep = -Infinity;

  constructor(method: Method, sparsity: SparsityConfig, options: UpdaterOptions, stateKeyPrefix: string) {
    super(method, sparsity, options);
    this.statistic = new GradientStore(stateKeyPrefix);
  }

  /** The statistic after seeing one more dense gradient (previous is undefined the first time). */
  protected abstract fold(previous: tf.Tensor | undefined, gradient: tf.Tensor): tf.Tensor;

  /** Folds step t's dense gradients (w.r.t. W ⊙ M) into the statistic; call it before update(t). */
  observeGradients(step: number, gradients: ReadonlyMap<string, tf.Tensor>): void {
    if (!this.needsDenseGradient(step)) return;
    if (step <= this.lastObservedStep) throw new Error(`${this.method}: gradients of step ${step} observed twice or out of order`);
    this.lastObservedStep = step;
    for (const layer of this.table.layers) {
      const gradient = gradients.get(layer.name);
      if (gradient) this.statistic.update(layer.name, (previous) => this.fold(previous, gradient));
    }
  }

  protected growScore(step: number, layer: ResolvedLayer, _input: MaskedLayer): tf.Tensor {
    const statistic = this.statistic.get(layer.name);
    if (!statistic) throw new Error(`${this.method}: no dense gradient for layer ${layer.name} before the update at step ${step} (call observeGradients first)`);
    return tieBroken(tf.abs(statistic), mixSeed(this.seed, step, layer.index, SEED_PURPOSE.growTieBreak));
  }

  getState(): Map<string, tf.Tensor> {
    return this.statistic.snapshot();
  }

  setState(state: ReadonlyMap<string, tf.Tensor>): void {
    this.statistic.restore(state);
  }

  dispose(): void {
    this.statistic.clear();
  }
}
