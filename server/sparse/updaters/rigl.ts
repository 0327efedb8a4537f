// RigL (Evci et al. 2020): grow where the dense gradient of the masked weights is largest,
// summed over the last grad_accumulation batches before each update (RIGL-SPEC §4.3).
import * as tf from '@tensorflow/tfjs-core';
import type { SparsityConfig } from '../../config/types.js';
import { mixSeed, SEED_PURPOSE } from '../rng.js';
import type { MaskedLayer } from '../types.js';
import { DropGrowUpdater } from './drop-grow.js';
import { GradientStore } from './gradient-store.js';
import type { ResolvedLayer, UpdaterOptions } from './layers.js';
import { tieBroken } from './tie-break.js';

export class RiglUpdater extends DropGrowUpdater {
  private readonly sums = new GradientStore('rigl/grad_sum/');
  private readonly accumulation: number;
  private lastObservedStep = -Infinity;

  constructor(sparsity: SparsityConfig, options: UpdaterOptions) {
    super('rigl', sparsity, options);
    // Sums restart after every update, so at most ΔT batches can ever be summed.
    this.accumulation = Math.max(1, Math.min(sparsity.update.grad_accumulation, sparsity.update.delta_t));
  }

  /** The update step itself and the (grad_accumulation − 1) steps before it. */
  needsDenseGradient(step: number): boolean {
    for (let ahead = 0; ahead < this.accumulation; ahead++) if (this.isUpdateStep(step + ahead)) return true;
    return false;
  }

  /** Adds step t's dense gradients (w.r.t. W ⊙ M) to the sums; call it before update(t). */
  observeGradients(step: number, gradients: ReadonlyMap<string, tf.Tensor>): void {
    if (!this.needsDenseGradient(step)) return;
    if (step <= this.lastObservedStep) throw new Error(`rigl: gradients of step ${step} observed twice or out of order`);
    this.lastObservedStep = step;
    for (const layer of this.table.layers) {
      const gradient = gradients.get(layer.name);
      if (gradient) this.sums.update(layer.name, (sum) => (sum ? tf.add(sum, gradient) : tf.clone(gradient)));
    }
  }

  protected growScore(step: number, layer: ResolvedLayer, _input: MaskedLayer): tf.Tensor {
    const sum = this.sums.get(layer.name);
    if (!sum) throw new Error(`rigl: no dense gradient for layer ${layer.name} before the update at step ${step} (call observeGradients first)`);
    return tieBroken(tf.abs(sum), mixSeed(this.seed, step, layer.index, SEED_PURPOSE.growTieBreak));
  }

  protected override afterUpdate(): void {
    this.sums.clear();
  }

  getState(): Map<string, tf.Tensor> {
    return this.sums.snapshot();
  }

  setState(state: ReadonlyMap<string, tf.Tensor>): void {
    this.sums.restore(state);
  }

  dispose(): void {
    this.sums.clear();
  }
}
