// SNFS (Dettmers & Zettlemoyer 2019) as in RIGL-SPEC §5: like RigL, but the grow score is
// |exponential moving average of the dense gradient|, which needs the dense gradient every step.
import * as tf from '@tensorflow/tfjs-core';
import type { SparsityConfig } from '../../config/types.js';
import { GradientGrownUpdater } from './gradient-grown.js';
import type { UpdaterOptions } from './layers.js';

export class SnfsUpdater extends GradientGrownUpdater {
  private readonly decay: number;

  constructor(sparsity: SparsityConfig, options: UpdaterOptions) {
    super('snfs', sparsity, options, 'snfs/grad_ema/');
    this.decay = sparsity.update.ema_decay;
  }

  needsDenseGradient(): boolean {
    return true;
  }

  /** EMA ← d·EMA + (1 − d)·G, starting from 0. */
  protected fold(average: tf.Tensor | undefined, gradient: tf.Tensor): tf.Tensor {
    const fresh = tf.mul(gradient, 1 - this.decay);
    return average ? tf.add(tf.mul(average, this.decay), fresh) : fresh;
  }
}
