// RigL (Evci et al. 2020): grow where the dense gradient of the masked weights is largest,
// summed over the last grad_accumulation batches before each update (RIGL-SPEC §4.3).
import * as tf from '@tensorflow/tfjs-core';
import type { SparsityConfig } from '../../config/types.js';
import { GradientGrownUpdater } from './gradient-grown.js';
import type { UpdaterOptions } from './layers.js';

export class RiglUpdater extends GradientGrownUpdater {
  private readonly accumulation: number;

  constructor(sparsity: SparsityConfig, options: UpdaterOptions) {
    super('rigl', sparsity, options, 'rigl/grad_sum/');
    // Sums restart after every update, so at most ΔT batches can ever be summed.
    this.accumulation = Math.max(1, Math.min(sparsity.update.grad_accumulation, sparsity.update.delta_t));
  }

  /** RIGL-SPEC §4.5: the official code and the PyTorch port skip the optimizer step on RigL's update steps. */
  override skipsOptimizerStep(step: number): boolean {
    return this.isUpdateStep(step);
  }

  /** The update step itself and the (grad_accumulation − 1) steps before it. */
  needsDenseGradient(step: number): boolean {
    for (let ahead = 0; ahead < this.accumulation; ahead++) if (this.isUpdateStep(step + ahead)) return true;
    return false;
  }

  protected fold(sum: tf.Tensor | undefined, gradient: tf.Tensor): tf.Tensor {
    return sum ? tf.add(sum, gradient) : tf.clone(gradient);
  }

  protected override afterUpdate(): void {
    this.statistic.clear();
  }
}
