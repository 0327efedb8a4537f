// The updater of methods whose masks never change after initialisation (static and dense):
// no update step, no optimizer skip, no dense gradient, no state.
import type * as tf from '@tensorflow/tfjs-core';
import type { LayerUpdate, SparseUpdater, StagedLayerUpdate, UpdateInput } from '../types.js';

export class FixedMaskUpdater implements SparseUpdater {
  constructor(readonly method: 'static' | 'dense') {}

  isUpdateStep(): boolean {
    return false;
  }

  skipsOptimizerStep(): boolean {
    return false;
  }

  needsDenseGradient(): boolean {
    return false;
  }

  observeGradients(): void {}

  updateFraction(): number {
    return 0;
  }

  stageUpdate(input: UpdateInput): StagedLayerUpdate[] {
    throw new Error(`${this.method}: masks never change (asked to update at step ${input.step})`);
  }

  async update(input: UpdateInput): Promise<LayerUpdate[]> {
    throw new Error(`${this.method}: masks never change (asked to update at step ${input.step})`);
  }

  getState(): Map<string, tf.Tensor> {
    return new Map();
  }

  setState(): void {}

  dispose(): void {}
}
