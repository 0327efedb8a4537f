// What every updater is built from: the run's layers (name, shape, target density), total steps
// and seed, plus the lookups, exact counts and per-layer loop the updaters share.
import * as tf from '@tensorflow/tfjs-core';
import { activeCount, sizeOf } from '../masks.js';
import { DeviceReads } from '../device-reads.js';
import type { LayerUpdate, MaskedLayer, SparseUpdater, StagedLayerUpdate, UpdateInput } from '../types.js';

export interface UpdaterLayer {
  name: string;
  /** The weight's shape (tfjs layout). */
  shape: readonly number[];
  /** The layer's target density from the distribution (1 for a dense layer). */
  density: number;
}

export interface UpdaterOptions {
  /** Optimizer steps of the whole run, M× multiplier included (epochs × multiplier × steps per epoch). */
  totalSteps: number;
  /** The run's seed (training.seed); per-update randomness is derived from (seed, step, layer index). */
  seed: number;
  /** Maskable layers in forward order; a layer's position is its index in every derived seed. */
  layers: readonly UpdaterLayer[];
}

export interface ResolvedLayer extends UpdaterLayer {
  index: number;
  size: number;
  /** Active entries at the target density: size − floor((1 − density)·size). */
  targetActive: number;
}

export class LayerTable {
  readonly layers: readonly ResolvedLayer[];
  private readonly byName = new Map<string, ResolvedLayer>();

  constructor(options: UpdaterOptions) {
    if (!(Number.isInteger(options.totalSteps) && options.totalSteps >= 1)) throw new RangeError(`totalSteps must be a positive integer, got ${options.totalSteps}`);
    this.layers = options.layers.map((layer, index) => {
      const size = sizeOf(layer.shape);
      return { ...layer, shape: [...layer.shape], index, size, targetActive: activeCount(layer.density, size) };
    });
    for (const layer of this.layers) {
      if (this.byName.has(layer.name)) throw new Error(`layer ${layer.name} is listed twice`);
      this.byName.set(layer.name, layer);
    }
  }

  get(name: string): ResolvedLayer {
    const layer = this.byName.get(name);
    if (!layer) throw new Error(`unknown masked layer ${name}`);
    return layer;
  }
}

/** Stages every layer in turn; if one fails, the results already made are disposed before rethrowing. */
export function stageEach(layers: readonly MaskedLayer[], stageLayer: (layer: MaskedLayer) => StagedLayerUpdate): StagedLayerUpdate[] {
  const staged: StagedLayerUpdate[] = [];
  try {
    for (const layer of layers) staged.push(stageLayer(layer));
  } catch (error) {
    tf.dispose(staged.flatMap((u) => [u.mask, u.keep]));
    throw error;
  }
  return staged;
}

/** Staged results with their counts, once the reads they were queued on are done. */
export function resolveStaged(staged: readonly StagedLayerUpdate[]): LayerUpdate[] {
  return staged.map(({ counts, ...rest }) => ({ ...rest, counts: counts() }));
}

/** Every updater's update(): stage, one batched read, resolve. */
export async function updateWithOneRead(updater: Pick<SparseUpdater, 'stageUpdate'>, input: UpdateInput): Promise<LayerUpdate[]> {
  const reads = new DeviceReads();
  let staged: StagedLayerUpdate[] = [];
  try {
    staged = updater.stageUpdate(input, reads);
    await reads.read();
  } catch (error) {
    reads.dispose();
    tf.dispose(staged.flatMap((u) => [u.mask, u.keep]));
    throw error;
  }
  return resolveStaged(staged);
}
