// Gradual magnitude pruning (Zhu & Gupta 2017; RIGL-SPEC §5): start dense, and at each pruning
// step remove the smallest active |W| until the layer reaches s_l(t); removed weights stay removed.
import * as tf from '@tensorflow/tfjs-core';
import type { SparsityConfig } from '../../config/types.js';
import type { DeviceReads } from '../device-reads.js';
import { mixSeed, SEED_PURPOSE } from '../rng.js';
import { createMaskSchedule, gmpTargetActive, type MaskSchedule } from '../schedule.js';
import type { LayerUpdate, MaskedLayer, SparseUpdater, StagedLayerUpdate, UpdateInput } from '../types.js';
import { smallestActive } from './drop-grow.js';
import { LayerTable, stageEach, updateWithOneRead, type ResolvedLayer, type UpdaterOptions } from './layers.js';

export class GmpUpdater implements SparseUpdater {
  readonly method = 'gmp' as const;
  private readonly table: LayerTable;
  private readonly schedule: MaskSchedule;
  private readonly seed: number;

  constructor(sparsity: SparsityConfig, options: UpdaterOptions) {
    this.seed = options.seed;
    this.table = new LayerTable(options);
    this.schedule = createMaskSchedule(sparsity.update, options.totalSteps);
  }

  isUpdateStep(step: number): boolean {
    return this.schedule.isGmpPruneStep(step);
  }

  /** Pruning only removes weights, so training goes on through pruning steps. */
  skipsOptimizerStep(): boolean {
    return false;
  }

  needsDenseGradient(): boolean {
    return false;
  }

  observeGradients(): void {}

  /** gmp neither drops-and-regrows nor replaces: 0. */
  updateFraction(): number {
    return 0;
  }

  /** Pruning counts are all known on the host: nothing is queued on `reads`. */
  stageUpdate(input: UpdateInput, _reads: DeviceReads): StagedLayerUpdate[] {
    const { step } = input;
    if (!this.isUpdateStep(step)) throw new Error(`gmp: step ${step} is not a pruning step`);
    return stageEach(input.layers, (masked) => {
      const { counts, ...update } = this.pruneLayer(step, this.table.get(masked.name), masked);
      return { ...update, counts: () => counts };
    });
  }

  update(input: UpdateInput): Promise<LayerUpdate[]> {
    return updateWithOneRead(this, input);
  }

  private pruneLayer(step: number, layer: ResolvedLayer, masked: MaskedLayer): LayerUpdate {
    // At t1 the sparsity is exactly 1 − density, so the count is exactly the plan's.
    const targetActive = gmpTargetActive(this.schedule, layer.density, layer.size, step);
    const targetDensity = targetActive / layer.size;
    const active = masked.active;
    const excess = active - targetActive;
    if (excess <= 0) {
      return { name: layer.name, mask: tf.clone(masked.mask), keep: tf.clone(masked.mask), counts: { active, dropped: 0, grown: 0, grownBack: 0 }, targetDensity };
    }
    const mask = tf.tidy(() => {
      const flatMask = tf.reshape(masked.mask, [layer.size]);
      const pruned = smallestActive(tf.reshape(masked.weight, [layer.size]), flatMask, excess, mixSeed(this.seed, step, layer.index, SEED_PURPOSE.dropTieBreak));
      return tf.reshape(tf.sub(flatMask, pruned), masked.mask.shape);
    });
    return { name: layer.name, mask, keep: tf.clone(mask), counts: { active: targetActive, dropped: excess, grown: 0, grownBack: 0 }, targetDensity };
  }

  getState(): Map<string, tf.Tensor> {
    return new Map();
  }

  setState(): void {}

  dispose(): void {}
}
