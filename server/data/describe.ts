// What a configured dataset really is, found cheaply (headers, file sizes, folder listings; no
// decoding): the facts plan.json records when a run is created (docs/engines.md).
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatasetConfig } from '../config/types.js';
import { datasetFacts } from '../config/datasets.js';
import type { PlanData } from '../protocol.js';
import { CIFAR10_EXPECTATION, CIFAR10_RECORD_BYTES, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, findCifarFolder } from './cifar10.js';
import { DatasetError, describeFsFailure } from './errors.js';
import { DEFAULT_FASHION_MNIST_PATH, fashionMnistHint } from './fashion-mnist.js';
import { idxFolderFiles } from './idx-folder.js';
import { readIdxDims } from './idx.js';
import { scanImageFolder } from './image-folder.js';
import { DEFAULT_IMAGENET_SIZE, IMAGENET_EXPECTATION } from './imagenet.js';
import { findMnistFolder } from './mnist.js';

/** The model's native input and classes: synthetic data takes them, ImageNet its default crop. */
export interface ModelNative {
  inputShape: [number, number, number];
  numClasses: number;
}

/** Facts of the configured dataset; relative paths resolve against `cwd`. Throws a DatasetError saying what is wrong. */
export async function describeDataset(config: DatasetConfig, native: ModelNative, cwd = process.cwd()): Promise<PlanData> {
  const limit = (size: number) => (config.train_limit > 0 ? Math.min(size, config.train_limit) : size);
  const path = config.path !== undefined ? resolve(cwd, config.path) : undefined;
  switch (config.name) {
    case 'mnist':
      return describeIdx('MNIST', 'mnist', path ?? (await findMnistFolder()), '', limit);
    case 'fashion-mnist': {
      const folder = path ?? DEFAULT_FASHION_MNIST_PATH;
      return describeIdx('Fashion-MNIST', 'fashion-mnist', folder, fashionMnistHint(folder), limit);
    }
    case 'cifar10': {
      if (!path) throw new DatasetError(`CIFAR-10 needs dataset.path: a folder with ${CIFAR10_EXPECTATION}`);
      const folder = await findCifarFolder(path);
      const records = async (names: readonly string[]) => {
        let total = 0;
        for (const name of names) total += await recordCount(join(folder, name));
        return total;
      };
      return { name: 'cifar10', path: folder, inputShape: [32, 32, 3], numClasses: 10, trainSize: limit(await records(CIFAR10_TRAIN_FILES)), testSize: await records([CIFAR10_TEST_FILE]) };
    }
    case 'imagenet': {
      if (!path) throw new DatasetError(`ImageNet needs dataset.path: a folder with ${IMAGENET_EXPECTATION}`);
      const train = await scanImageFolder(join(path, 'train'), 'ImageNet', IMAGENET_EXPECTATION);
      const val = await scanImageFolder(join(path, 'val'), 'ImageNet', IMAGENET_EXPECTATION, train.classes);
      const side = config.image_size ?? native.inputShape[0] ?? DEFAULT_IMAGENET_SIZE;
      return { name: 'imagenet', path, inputShape: [side, side, 3], numClasses: train.classes.length, trainSize: limit(train.files.length), testSize: val.files.length };
    }
    case 'synthetic': {
      const facts = datasetFacts(config, native);
      return { name: 'synthetic', path: null, inputShape: facts.inputShape, numClasses: facts.numClasses, trainSize: facts.trainSize, testSize: facts.testSize };
    }
  }
}

async function describeIdx(dataset: string, name: string, folder: string, hint: string, limit: (size: number) => number): Promise<PlanData> {
  const files = await idxFolderFiles(dataset, folder, hint);
  const [train, test] = await Promise.all([readIdxDims(files.trainImages, dataset), readIdxDims(files.testImages, dataset)]);
  if (train.length !== 3 || test.length !== 3) throw new DatasetError(`${dataset}: ${folder}: image files must hold count × height × width bytes`);
  return { name, path: resolve(folder), files, inputShape: [train[1]!, train[2]!, 1], numClasses: 10, trainSize: limit(train[0]!), testSize: test[0]! };
}

async function recordCount(file: string): Promise<number> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (error) {
    throw new DatasetError(`CIFAR-10: ${file} ${describeFsFailure(error)} (expected ${CIFAR10_EXPECTATION})`);
  }
  if (size % CIFAR10_RECORD_BYTES !== 0) throw new DatasetError(`CIFAR-10: ${file} is ${size} bytes, not a whole number of ${CIFAR10_RECORD_BYTES}-byte records`);
  return size / CIFAR10_RECORD_BYTES;
}
