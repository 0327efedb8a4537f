// CIFAR-10, binary version: data_batch_1..5.bin and test_batch.bin of 3073-byte records (one
// label byte, then 1024 red, 1024 green, 1024 blue bytes), converted from CHW to NHWC.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { createDataset, limitSource } from './batching.js';
import { DatasetError, describeFsFailure, readFileOrExplain } from './errors.js';
import { byteImageSource, type ByteImages } from './in-memory.js';
import { CIFAR10_NORMALIZATION } from './normalization.js';
import type { Dataset } from './types.js';

const SIDE = 32;
const PLANE = SIDE * SIDE;
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;
export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_EXPECTATION = 'the binary version: data_batch_1..5.bin and test_batch.bin';
const NUM_CLASSES = 10;

/** Parses concatenated CIFAR-10 binary records into NHWC bytes and labels. */
export function parseCifarRecords(bytes: Uint8Array, source: string): ByteImages {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new DatasetError(`CIFAR-10: ${source} is ${bytes.length} bytes, not a whole number of ${CIFAR10_RECORD_BYTES}-byte records (expected ${CIFAR10_EXPECTATION}: per image 1 label byte + 3072 pixel bytes)`);
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * 3 * PLANE);
  for (let r = 0; r < count; r++) {
    const record = r * CIFAR10_RECORD_BYTES;
    const label = bytes[record]!;
    if (label >= NUM_CLASSES) throw new DatasetError(`CIFAR-10: ${source} record ${r} has label ${label}, expected 0..9 (is this the CIFAR-100 binary version?)`);
    labels[r] = label;
    const out = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      pixels[out + 3 * p] = bytes[record + 1 + p]!;
      pixels[out + 3 * p + 1] = bytes[record + 1 + PLANE + p]!;
      pixels[out + 3 * p + 2] = bytes[record + 1 + 2 * PLANE + p]!;
    }
  }
  return { pixels, labels, shape: [SIDE, SIDE, 3] };
}

function concatImages(parts: ByteImages[]): ByteImages {
  const pixels = new Uint8Array(parts.reduce((sum, part) => sum + part.pixels.length, 0));
  const labels = new Uint8Array(parts.reduce((sum, part) => sum + part.labels.length, 0));
  let pixelOffset = 0;
  let labelOffset = 0;
  for (const part of parts) {
    pixels.set(part.pixels, pixelOffset);
    labels.set(part.labels, labelOffset);
    pixelOffset += part.pixels.length;
    labelOffset += part.labels.length;
  }
  return { pixels, labels, shape: [SIDE, SIDE, 3] };
}

/** The folder holding the .bin files: the given one or its cifar-10-batches-bin/ (as the archive unpacks). */
export async function findCifarFolder(path: string): Promise<string> {
  let entries: string[];
  try {
    entries = await fs.readdir(path);
  } catch (error) {
    throw new DatasetError(`CIFAR-10: ${path} ${describeFsFailure(error)} (expected ${CIFAR10_EXPECTATION})`);
  }
  if (entries.includes(CIFAR10_TRAIN_FILES[0]!)) return path;
  if (entries.includes('cifar-10-batches-bin')) return findCifarFolder(join(path, 'cifar-10-batches-bin'));
  const pythonHint = entries.includes('data_batch_1') || entries.includes('cifar-10-batches-py') ? '; this looks like the Python (pickle) version, which is not read' : '';
  throw new DatasetError(`CIFAR-10: ${path} has no ${CIFAR10_TRAIN_FILES[0]} (expected ${CIFAR10_EXPECTATION})${pythonHint}`);
}

/** A CIFAR-10 batch file is 30 730 000 bytes; twice that is refused unread. */
const MAX_CIFAR_FILE_BYTES = 64 * 1024 * 1024;

async function readCifarFile(folder: string, name: string): Promise<ByteImages> {
  const file = join(folder, name);
  return parseCifarRecords(await readFileOrExplain(file, 'CIFAR-10', CIFAR10_EXPECTATION, MAX_CIFAR_FILE_BYTES), file);
}

export async function openCifar10(options: { path?: string; trainLimit: number; prefetchDepth: number }): Promise<Dataset> {
  if (!options.path) throw new DatasetError(`CIFAR-10 needs dataset.path: a folder with ${CIFAR10_EXPECTATION}`);
  const folder = await findCifarFolder(options.path);
  const trainParts = await Promise.all(CIFAR10_TRAIN_FILES.map((name) => readCifarFile(folder, name)));
  const test = await readCifarFile(folder, CIFAR10_TEST_FILE);
  return createDataset({
    name: 'cifar10', inputShape: [SIDE, SIDE, 3], numClasses: NUM_CLASSES, prefetchDepth: options.prefetchDepth,
    train: limitSource(byteImageSource(concatImages(trainParts), CIFAR10_NORMALIZATION), options.trainLimit),
    test: byteImageSource(test, CIFAR10_NORMALIZATION),
  });
}
