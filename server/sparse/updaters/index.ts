// The one entry point the trainer uses: the updater of a method, and the masks a run starts from
// (random at the layer densities; all ones for gmp and dense).
import type * as tf from '@tensorflow/tfjs-core';
import type { Method, SparsityConfig } from '../../config/types.js';
import { denseMask, initialMask } from '../masks.js';
import type { SparseUpdater } from '../types.js';
import { createDenseUpdater } from './dense.js';
import { GmpUpdater } from './gmp.js';
import type { UpdaterLayer, UpdaterOptions } from './layers.js';
import { RiglUpdater } from './rigl.js';
import { SetUpdater } from './set.js';
import { SnfsUpdater } from './snfs.js';
import { createStaticUpdater } from './static.js';

export type { UpdaterLayer, UpdaterOptions } from './layers.js';

export function createUpdater(method: Method, sparsity: SparsityConfig, options: UpdaterOptions): SparseUpdater {
  switch (method) {
    case 'rigl': return new RiglUpdater(sparsity, options);
    case 'set': return new SetUpdater(sparsity, options);
    case 'snfs': return new SnfsUpdater(sparsity, options);
    case 'gmp': return new GmpUpdater(sparsity, options);
    case 'static': return createStaticUpdater();
    case 'dense': return createDenseUpdater();
  }
}

/**
 * The masks at step 0, by layer name (the caller owns them): gmp starts dense and dense stays
 * dense; every other method starts from a seeded random mask at the layer's density.
 */
export function createInitialMasks(method: Method, layers: readonly UpdaterLayer[], seed: number): Map<string, tf.Tensor> {
  const masks = new Map<string, tf.Tensor>();
  layers.forEach((layer, index) => {
    const startsDense = method === 'gmp' || method === 'dense' || layer.density >= 1;
    masks.set(layer.name, startsDense ? denseMask(layer.shape) : initialMask(layer.shape, layer.density, seed, index));
  });
  return masks;
}
