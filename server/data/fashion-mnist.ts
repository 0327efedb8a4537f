// Fashion-MNIST: MNIST's layout and shapes with clothing classes, read from a folder of IDX
// files; by default where Debian's dataset-fashion-mnist package installs them (gzipped).
import { createDataset, limitSource } from './batching.js';
import { loadIdxFolder } from './idx-folder.js';
import { byteImageSource } from './in-memory.js';
import { FASHION_MNIST_NORMALIZATION } from './normalization.js';
import type { Dataset } from './types.js';

export const DEFAULT_FASHION_MNIST_PATH = '/usr/share/datasets/fashion-mnist';

/** How to get the files when the default folder lacks them. */
export function fashionMnistHint(folder: string): string {
  return folder === DEFAULT_FASHION_MNIST_PATH ? '; on Debian or Ubuntu: apt-get install dataset-fashion-mnist, or set dataset.path' : '';
}

export async function openFashionMnist(options: { path?: string; trainLimit: number; prefetchDepth: number }): Promise<Dataset> {
  const folder = options.path ?? DEFAULT_FASHION_MNIST_PATH;
  const hint = fashionMnistHint(folder);
  const { train, test } = await loadIdxFolder('Fashion-MNIST', folder, 10, hint);
  return createDataset({
    name: 'fashion-mnist', inputShape: train.shape, numClasses: 10, prefetchDepth: options.prefetchDepth,
    train: limitSource(byteImageSource(train, FASHION_MNIST_NORMALIZATION), options.trainLimit),
    test: byteImageSource(test, FASHION_MNIST_NORMALIZATION),
  });
}
