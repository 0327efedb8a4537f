// Loads an MNIST-layout folder (train/t10k images and labels as IDX, plain or gzip) into byte
// images; shared by MNIST and Fashion-MNIST, which use the same file names and shapes.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, describeFsFailure } from './errors.js';
import { readIdxFile, ubyteMagic } from './idx.js';
import type { ByteImages } from './in-memory.js';

export const IDX_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** What such a folder must hold, for error messages. */
export const IDX_FOLDER_EXPECTATION = Object.values(IDX_FILE_NAMES).map((name) => `${name}(.gz)`).join(', ');

/** Accepted spellings of one file: as published, gzipped, and with a dot before "idx" (a common re-upload). */
function candidateNames(name: string): string[] {
  const dotted = name.replace('-idx', '.idx');
  return [name, `${name}.gz`, dotted, `${dotted}.gz`];
}

/** The folder's file for a standard IDX name, or undefined when no accepted spelling is there. */
export function pickIdxFile(folderEntries: readonly string[], name: string): string | undefined {
  return candidateNames(name).find((candidate) => folderEntries.includes(candidate));
}

/** True when the folder holds all four files in an accepted spelling (false when it cannot be read). */
export async function isIdxFolder(folder: string): Promise<boolean> {
  try {
    const entries = await fs.readdir(folder);
    return Object.values(IDX_FILE_NAMES).every((name) => pickIdxFile(entries, name) !== undefined);
  } catch {
    return false;
  }
}

async function loadSplit(dataset: string, imagesFile: string, labelsFile: string, numClasses: number): Promise<ByteImages> {
  const [images, labels] = await Promise.all([readIdxFile(imagesFile, ubyteMagic(3), dataset), readIdxFile(labelsFile, ubyteMagic(1), dataset)]);
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DatasetError(`${dataset}: ${imagesFile} holds ${count} images but ${labelsFile} holds ${labels.dims[0]} labels`);
  }
  const labelBytes = labels.data as Uint8Array;
  const badLabel = labelBytes.findIndex((label) => label >= numClasses);
  if (badLabel >= 0) throw new DatasetError(`${dataset}: ${labelsFile} label ${badLabel} is ${labelBytes[badLabel]}, expected 0..${numClasses - 1}`);
  return { pixels: images.data as Uint8Array, labels: labelBytes, shape: [height, width, 1] };
}

/** The four files of an MNIST-layout folder (absolute paths, in an accepted spelling); `hint` is appended to a "missing" error. */
export async function idxFolderFiles(dataset: string, folder: string, hint = ''): Promise<Record<keyof typeof IDX_FILE_NAMES, string>> {
  let entries: string[];
  try {
    entries = await fs.readdir(folder);
  } catch (error) {
    throw new DatasetError(`${dataset}: ${folder} ${describeFsFailure(error)} (expected a folder with ${IDX_FOLDER_EXPECTATION})${hint}`);
  }
  const missing = Object.values(IDX_FILE_NAMES).filter((name) => pickIdxFile(entries, name) === undefined);
  if (missing.length > 0) {
    throw new DatasetError(`${dataset}: ${folder} has no ${missing.map((name) => `${name}(.gz)`).join(', ')} (expected ${IDX_FOLDER_EXPECTATION})${hint}`);
  }
  const file = (name: string) => join(folder, pickIdxFile(entries, name)!);
  return { trainImages: file(IDX_FILE_NAMES.trainImages), trainLabels: file(IDX_FILE_NAMES.trainLabels), testImages: file(IDX_FILE_NAMES.testImages), testLabels: file(IDX_FILE_NAMES.testLabels) };
}

/** Reads both splits of an MNIST-layout folder; `hint` is appended to a "missing" error (e.g. how to install). */
export async function loadIdxFolder(dataset: string, folder: string, numClasses: number, hint = ''): Promise<{ train: ByteImages; test: ByteImages }> {
  const files = await idxFolderFiles(dataset, folder, hint);
  const [train, test] = await Promise.all([
    loadSplit(dataset, files.trainImages, files.trainLabels, numClasses),
    loadSplit(dataset, files.testImages, files.testLabels, numClasses),
  ]);
  if (train.shape.join() !== test.shape.join()) {
    throw new DatasetError(`${dataset}: ${folder} training images are ${train.shape.slice(0, 2).join('×')} but test images are ${test.shape.slice(0, 2).join('×')}`);
  }
  return { train, test };
}
