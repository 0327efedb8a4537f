// Turns example sources into the Dataset contract: the epoch's shuffled order from (seed, epoch),
// resumption at a batch, dropping the last partial training batch, and prefetching every batch.
import { DatasetError } from './errors.js';
import { prefetchInOrder } from './prefetch.js';
import { SeededRandom, permutation } from './random.js';
import type { Batch, Dataset, TrainBatchOptions } from './types.js';

/** Which epoch's randomness a training batch's augmentation draws from; absent for evaluation. */
export interface AugmentationKey { seed: number; epoch: number }

/** Examples addressed by index; a batch is assembled from a list of indices, in that order. */
export interface ExampleSource {
  size: number;
  makeBatch(indices: Uint32Array, augmentation?: AugmentationKey): Promise<Batch>;
}

/** Stream tags keep the shuffle independent of every other use of the same seed. */
const SHUFFLE_STREAM = 0x5348;

/** The training order of an epoch: the same for the same (size, seed, epoch), new every epoch. */
export function epochOrder(size: number, seed: number, epoch: number): Uint32Array {
  return permutation(size, new SeededRandom(SHUFFLE_STREAM, seed, epoch));
}

/** Only the first `limit` examples of a source (limit ≤ 0 keeps all of them). */
export function limitSource(source: ExampleSource, limit: number): ExampleSource {
  if (limit <= 0 || limit >= source.size) return source;
  return { size: limit, makeBatch: (indices, augmentation) => source.makeBatch(indices, augmentation) };
}

function requireCount(value: number, what: string, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) throw new DatasetError(`${what} must be an integer ≥ ${minimum}, got ${value}`);
}

export interface DatasetDescription {
  name: string;
  inputShape: [number, number, number];
  numClasses: number;
  train: ExampleSource;
  test: ExampleSource;
  prefetchDepth: number;
}

export function createDataset(description: DatasetDescription): Dataset {
  const { name, inputShape, numClasses, train, test, prefetchDepth } = description;
  return {
    name, inputShape, numClasses, trainSize: train.size, testSize: test.size,
    trainBatches(options: TrainBatchOptions): AsyncIterable<Batch> {
      const { epoch, batchSize, seed, startBatch = 0 } = options;
      requireCount(batchSize, `${name}: batch size`, 1);
      requireCount(startBatch, `${name}: start batch`, 0);
      if (batchSize > train.size) {
        throw new DatasetError(`${name}: batch size ${batchSize} is larger than the ${train.size} training examples, so an epoch would have no full batch`);
      }
      const order = epochOrder(train.size, seed, epoch);
      const batches = Math.floor(train.size / batchSize);
      const augmentation = { seed, epoch };
      const produce = (i: number): Promise<Batch> => {
        const first = (startBatch + i) * batchSize;
        return train.makeBatch(order.subarray(first, first + batchSize), augmentation);
      };
      return prefetchInOrder(Math.max(0, batches - startBatch), produce, prefetchDepth);
    },
    testBatches(batchSize: number): AsyncIterable<Batch> {
      requireCount(batchSize, `${name}: evaluation batch size`, 1);
      const produce = (i: number): Promise<Batch> => {
        const first = i * batchSize;
        const count = Math.min(batchSize, test.size - first);
        const indices = new Uint32Array(count);
        for (let k = 0; k < count; k++) indices[k] = first + k;
        return test.makeBatch(indices);
      };
      return prefetchInOrder(Math.ceil(test.size / batchSize), produce, prefetchDepth);
    },
  };
}
