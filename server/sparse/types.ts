// The contract between the sparse core and the trainer: masked layers in, new masks and the
// positions to zero out. Updaters never take an optimizer step; the trainer applies their result.
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Method } from '../config/types.js';
import type { DeviceReads } from './device-reads.js';

export interface MaskedLayer {
  name: string;
  /** W itself (not W ⊙ M). */
  weight: Tensor;
  /** Binary float32 mask of W's shape. */
  mask: Tensor;
  /**
   * Ones in `mask`, tracked on the host (the plan's count, then each update's counts.active), so
   * an update knows n and k without reading the device.
   */
  active: number;
}

export interface UpdateInput {
  /** t: optimizer steps counted from 1 (RIGL-SPEC §3). */
  step: number;
  layers: MaskedLayer[];
}

export interface LayerUpdateCounts {
  active: number;
  dropped: number;
  grown: number;
  /** Dropped and grown back in the same update. */
  grownBack: number;
}

export interface LayerUpdate {
  name: string;
  /** The new binary mask (caller owns it). */
  mask: Tensor;
  /** 1 where W and its momentum keep their values, 0 where both become 0 (dropped or newly grown). */
  keep: Tensor;
  counts: LayerUpdateCounts;
  /** The target density this update aimed at (changes over time for gmp). */
  targetDensity: number;
}

/** A layer update whose device work is queued; counts() answers once its DeviceReads has been read. */
export interface StagedLayerUpdate extends Omit<LayerUpdate, 'counts'> {
  counts(): LayerUpdateCounts;
}

/** One per method (rigl, set, snfs, static, gmp, dense), made by createUpdater. */
export interface SparseUpdater {
  readonly method: Method;
  /** Whether the masks change at step t. */
  isUpdateStep(step: number): boolean;
  /** Whether the optimizer step is skipped at step t (RigL-style updates skip it, RIGL-SPEC §4.5). */
  skipsOptimizerStep(step: number): boolean;
  /** Whether the trainer must pass the dense gradient (w.r.t. W ⊙ M) to observeGradients at step t. */
  needsDenseGradient(step: number): boolean;
  /** Feed the dense gradients of step t (rigl: accumulated over grad_accumulation batches; snfs: EMA). Does not take ownership. */
  observeGradients(step: number, gradients: ReadonlyMap<string, Tensor>): void;
  /** f(t): the fraction of active weights replaced at step t. */
  updateFraction(step: number): number;
  /**
   * Queue the new masks' device work at an update step, and the counts it needs on `reads`
   * (nothing is read back here), so a caller can read them with its own in one transfer.
   */
  stageUpdate(input: UpdateInput, reads: DeviceReads): StagedLayerUpdate[];
  /** stageUpdate, then one batched read: the new masks with their counts. */
  update(input: UpdateInput): Promise<LayerUpdate[]>;
  /** Tensors to checkpoint (gradient accumulators, EMA) and their restore. */
  getState(): Map<string, Tensor>;
  setState(state: ReadonlyMap<string, Tensor>): void;
  dispose(): void;
}
