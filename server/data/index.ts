// Opens the dataset a run's config names: the one entry point the trainer, CLI and benchmarks
// use. Everything comes back as a Dataset of prefetched, normalized host-array batches.
import type { DatasetConfig } from '../config/types.js';
import { openCifar10 } from './cifar10.js';
import { DatasetError } from './errors.js';
import { openFashionMnist } from './fashion-mnist.js';
import { DEFAULT_IMAGENET_SIZE, openImageNet } from './imagenet.js';
import { openMnist } from './mnist.js';
import { DEFAULT_PREFETCH_DEPTH } from './prefetch.js';
import { openSynthetic } from './synthetic.js';
import type { Dataset, OpenDatasetOptions } from './types.js';

export type { Batch, Dataset, OpenDatasetOptions, TrainBatchOptions } from './types.js';
export { DatasetError } from './errors.js';
export { packagedMnistFiles, type PackagedFile } from './mnist.js';

export async function openDataset(config: DatasetConfig, options: OpenDatasetOptions): Promise<Dataset> {
  const prefetchDepth = options.prefetchDepth ?? DEFAULT_PREFETCH_DEPTH;
  const trainLimit = config.train_limit > 0 ? config.train_limit : 0;
  const common = { path: config.path, trainLimit, prefetchDepth };
  switch (config.name) {
    case 'mnist': return openMnist(common);
    case 'fashion-mnist': return openFashionMnist(common);
    case 'cifar10': return openCifar10(common);
    case 'imagenet': {
      const imageSize = config.image_size ?? options.inputShape?.[0] ?? DEFAULT_IMAGENET_SIZE;
      return openImageNet({ ...common, imageSize });
    }
    case 'synthetic': {
      const native = options.inputShape;
      const inputShape: [number, number, number] | undefined = config.image_size
        ? [config.image_size, config.image_size, native?.[2] ?? 3]
        : native;
      return openSynthetic({ trainSize: config.synthetic_size, inputShape, numClasses: options.numClasses, seed: options.seed, trainLimit, prefetchDepth });
    }
    default:
      throw new DatasetError(`unknown dataset '${(config as { name: unknown }).name}'`);
  }
}
