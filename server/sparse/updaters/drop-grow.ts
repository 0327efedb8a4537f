// The drop-and-grow update shared by rigl, set and snfs (RIGL-SPEC §4): drop the k smallest
// |W| among active weights, grow the k best-scoring positions outside what was kept.
import * as tf from '@tensorflow/tfjs-core';
import type { Method, SparsityConfig } from '../../config/types.js';
import { queueCount, type DeviceReads } from '../device-reads.js';
import { mixSeed, SEED_PURPOSE } from '../rng.js';
import { createMaskSchedule, type MaskSchedule } from '../schedule.js';
import { topKMask } from '../topk.js';
import type { LayerUpdate, LayerUpdateCounts, MaskedLayer, SparseUpdater, StagedLayerUpdate, UpdateInput } from '../types.js';
import { LayerTable, stageEach, updateWithOneRead, type ResolvedLayer, type UpdaterOptions } from './layers.js';
import { floorTolerant } from '../distribution.js';
import { tieBroken } from './tie-break.js';

export interface DropGrowResult {
  mask: tf.Tensor;
  keep: tf.Tensor;
  /** Known once `reads` has been read (grown-back is counted on the device). */
  counts(): LayerUpdateCounts;
}

/**
 * One layer's update with update fraction f; `active` is the host-tracked count of ones in
 * `mask`, so n and k need no read. `growScore` makes the grow score (the weight's shape, ≥ 0,
 * already tie-broken where the method needs it); it is only called when the layer changes.
 * `dropSeed` seeds the tie-break of the magnitudes. Inputs are not disposed. The only count
 * that needs the device, grown-back, is queued on `reads`.
 */
export function dropAndGrow(weight: tf.Tensor, mask: tf.Tensor, active: number, fraction: number, growScore: () => tf.Tensor, dropSeed: number, reads: DeviceReads): DropGrowResult {
  const size = mask.size;
  const count = floorTolerant(fraction * active);
  // A dense layer has no inactive position to explore: dropping and regrowing would be a no-op.
  if (count === 0 || active === size) {
    const counts = { active, dropped: 0, grown: 0, grownBack: 0 };
    return { mask: tf.clone(mask), keep: tf.clone(mask), counts: () => counts };
  }
  const [newMask, keep] = tf.tidy(() => {
    const flatMask = tf.reshape(mask, [size]);
    const dropped = smallestActive(tf.reshape(weight, [size]), flatMask, count, dropSeed);
    const kept = tf.sub(flatMask, dropped);
    // Grow: the k highest scores among everything not kept (just-dropped positions included).
    const excluded = tf.fill([size], -Infinity);
    const grown = topKMask(tf.where(tf.greater(kept, 0), excluded, tf.reshape(growScore(), [size])) as tf.Tensor1D, count);
    const union = tf.add(kept, grown);
    // Kept, or dropped and grown back: those keep W and momentum; new and dropped ones restart at 0.
    return [tf.reshape(union, mask.shape), tf.reshape(tf.mul(flatMask, union), mask.shape)];
  });
  const keptCount = queueCount(reads, keep);
  return { mask: newMask, keep, counts: () => ({ active, dropped: count, grown: count, grownBack: keptCount() - (active - count) }) };
}

/**
 * 0/1 marks of the `count` active weights of smallest |W| (flat tensors), ties broken by the
 * seeded perturbation: the drop step of rigl/set/snfs and gmp's pruning.
 */
export function smallestActive(flatWeight: tf.Tensor, flatMask: tf.Tensor, count: number, seed: number): tf.Tensor1D {
  return tf.tidy(() => {
    // The k smallest |W| are the k largest −|W|; inactive positions can never be picked.
    const negativeMagnitude = tieBroken(tf.abs(flatWeight), seed, -1);
    const eligible = tf.where(tf.greater(flatMask, 0), negativeMagnitude, tf.fill(flatMask.shape, -Infinity));
    return topKMask(eligible as tf.Tensor1D, count);
  });
}

/** Base of rigl, set and snfs: the schedule and the per-layer loop. */
export abstract class DropGrowUpdater implements SparseUpdater {
  protected readonly table: LayerTable;
  protected readonly schedule: MaskSchedule;
  protected readonly seed: number;

  constructor(readonly method: Method, sparsity: SparsityConfig, options: UpdaterOptions) {
    this.table = new LayerTable(options);
    this.schedule = createMaskSchedule(sparsity.update, options.totalSteps);
    this.seed = options.seed;
  }

  isUpdateStep(step: number): boolean {
    return this.schedule.isDropGrowStep(step);
  }

  /**
   * RIGL-SPEC §4.5: set and snfs take the optimizer step and then update the masks, as the
   * official code does; rigl overrides this to skip it.
   */
  skipsOptimizerStep(_step: number): boolean {
    return false;
  }

  abstract needsDenseGradient(step: number): boolean;
  abstract observeGradients(step: number, gradients: ReadonlyMap<string, tf.Tensor>): void;
  abstract getState(): Map<string, tf.Tensor>;
  abstract setState(state: ReadonlyMap<string, tf.Tensor>): void;
  abstract dispose(): void;

  /** The grow score of one layer at an update step: ≥ 0, the weight's shape (run inside a tidy). */
  protected abstract growScore(step: number, layer: ResolvedLayer, input: MaskedLayer): tf.Tensor;

  /** Called once every layer has been updated (rigl clears its gradient sums here). */
  protected afterUpdate(_step: number): void {}

  updateFraction(step: number): number {
    return this.schedule.updateFraction(step);
  }

  stageUpdate(input: UpdateInput, reads: DeviceReads): StagedLayerUpdate[] {
    const { step } = input;
    if (!this.isUpdateStep(step)) throw new Error(`${this.method}: step ${step} is not a mask update step`);
    const fraction = this.updateFraction(step);
    const updates = stageEach(input.layers, (masked) => {
      const layer = this.table.get(masked.name);
      const dropSeed = mixSeed(this.seed, step, layer.index, SEED_PURPOSE.dropTieBreak);
      const { mask, keep, counts } = dropAndGrow(masked.weight, masked.mask, masked.active, fraction, () => this.growScore(step, layer, masked), dropSeed, reads);
      return { name: layer.name, mask, keep, counts, targetDensity: layer.targetActive / layer.size };
    });
    this.afterUpdate(step);
    return updates;
  }

  update(input: UpdateInput): Promise<LayerUpdate[]> {
    return updateWithOneRead(this, input);
  }
}
