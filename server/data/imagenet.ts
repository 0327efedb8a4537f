// ImageNet-style folders (train/<class>/*.JPEG, val/<class>/*.JPEG) decoded with sharp:
// seeded random-resized crop and flip for training, resize and center crop for evaluation.
import { join } from 'node:path';
import { createDataset, limitSource, type AugmentationKey, type ExampleSource } from './batching.js';
import { evaluationGeometry, randomResizedCrop, type Region } from './crop-geometry.js';
import { errorMessage } from '../errors.js';
import { DatasetError } from './errors.js';
import { imagePath, scanImageFolder, type ImageFolder } from './image-folder.js';
import { createLimiter, type Limiter } from './limiter.js';
import { byteNormalizationTable, normalizeBytes, IMAGENET_NORMALIZATION } from './normalization.js';
import { SeededRandom } from './random.js';
import { loadSharp, type Sharp } from './sharp-loader.js';
import type { Batch, Dataset } from './types.js';

export const DEFAULT_IMAGENET_SIZE = 224;
export const IMAGENET_EXPECTATION = 'path/train/<class>/*.JPEG and path/val/<class>/*.JPEG';
const CROP_STREAM = 0x43;
const NORMALIZATION_TABLE = byteNormalizationTable(IMAGENET_NORMALIZATION);

/**
 * Images decoded at once. libuv's pool (UV_THREADPOOL_SIZE, 4 by default) runs the sharp calls;
 * keeping several times that many queued lets the pool work through a whole training step that
 * blocks the JavaScript thread, while still bounding the decoded buffers held at once.
 */
export function defaultDecodeConcurrency(): number {
  const pool = Number(process.env['UV_THREADPOOL_SIZE']) || 4;
  return 4 * pool;
}

/** What to do with one decoded image: crop before or after resizing, and whether to mirror it. */
export type DecodePlan = (width: number, height: number) => { before?: Region; resize: [number, number]; after?: Region; flip: boolean };

/** Writes size×size×3 bytes as normalized floats, whatever channels the decoder produced (grey, RGB, RGBA). */
function writePixels(data: Uint8Array, channels: number, out: Float32Array, offset: number): void {
  if (channels === 3) return normalizeBytes(data, NORMALIZATION_TABLE, 3, out, offset);
  const pixels = data.length / channels;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const byte = data[p * channels + (channels >= 3 ? c : 0)]!;
      out[offset + 3 * p + c] = NORMALIZATION_TABLE[c * 256 + byte]!;
    }
  }
}

/**
 * Decodes one image file by plan. Sharp reads the file itself: each image then needs the event
 * loop only twice (header, then decode), so decoding goes on while a training step blocks it.
 */
export async function decodeImage(sharp: Sharp, file: string, plan: DecodePlan): Promise<{ data: Uint8Array; channels: number }> {
  try {
    const { width, height } = await sharp(file).metadata();
    if (!width || !height) throw new Error('no image dimensions');
    const steps = plan(width, height);
    let image = sharp(file, { failOn: 'none' });
    if (steps.before) image = image.extract(steps.before);
    image = image.resize(steps.resize[0], steps.resize[1], { fit: 'fill', kernel: 'linear' });
    if (steps.after) image = image.extract(steps.after);
    if (steps.flip) image = image.flop();
    const { data, info } = await image.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data, channels: info.channels };
  } catch (error) {
    throw new DatasetError(`ImageNet: cannot decode ${file}: ${errorMessage(error)}`);
  }
}

function folderSource(folder: ImageFolder, size: number, sharp: Sharp, limiter: Limiter, planFor: (index: number, augmentation?: AugmentationKey) => DecodePlan): ExampleSource {
  const exampleLength = size * size * 3;
  return {
    size: folder.files.length,
    async makeBatch(indices: Uint32Array, augmentation?: AugmentationKey): Promise<Batch> {
      const x = new Float32Array(indices.length * exampleLength);
      const y = new Int32Array(indices.length);
      await Promise.all(Array.from(indices, (index, k) => limiter.run(async () => {
        const { data, channels } = await decodeImage(sharp, imagePath(folder, index), planFor(index, augmentation));
        writePixels(data, channels, x, k * exampleLength);
        y[k] = folder.labels[index]!;
      })));
      return { x, y, size: indices.length };
    },
  };
}

/** Training: a random region of the original (seeded by seed, epoch and example), resized to size², maybe mirrored. */
export function trainPlan(size: number, index: number, augmentation: AugmentationKey): DecodePlan {
  return (width, height) => {
    // One stream per example and epoch: the same crop whatever the batch order or decode order.
    const random = new SeededRandom(CROP_STREAM, augmentation.seed, augmentation.epoch, index);
    const before = randomResizedCrop(width, height, random);
    return { before, resize: [size, size], flip: random.next() < 0.5 };
  };
}

/** Evaluation: shorter side to size/0.875, then the central size². */
export function evaluationPlan(size: number): DecodePlan {
  return (width, height) => {
    const geometry = evaluationGeometry(width, height, size);
    return { resize: [geometry.resizeWidth, geometry.resizeHeight], after: geometry.crop, flip: false };
  };
}

export interface ImageNetOptions {
  path?: string;
  imageSize: number;
  trainLimit: number;
  prefetchDepth: number;
  decodeConcurrency?: number;
}

export async function openImageNet(options: ImageNetOptions): Promise<Dataset> {
  if (!options.path) throw new DatasetError(`ImageNet needs dataset.path: a folder with ${IMAGENET_EXPECTATION}`);
  const sharp = await loadSharp();
  const train = await scanImageFolder(join(options.path, 'train'), 'ImageNet', IMAGENET_EXPECTATION);
  const val = await scanImageFolder(join(options.path, 'val'), 'ImageNet', IMAGENET_EXPECTATION, train.classes);
  const size = options.imageSize;
  const limiter = createLimiter(options.decodeConcurrency ?? defaultDecodeConcurrency());
  const evaluation = evaluationPlan(size);
  return createDataset({
    name: 'imagenet', inputShape: [size, size, 3], numClasses: train.classes.length, prefetchDepth: options.prefetchDepth,
    // Training batches always carry their (seed, epoch); the fallback only satisfies the type.
    train: limitSource(folderSource(train, size, sharp, limiter, (index, augmentation) => trainPlan(size, index, augmentation ?? { seed: 0, epoch: 0 })), options.trainLimit),
    test: folderSource(val, size, sharp, limiter, () => evaluation),
  });
}
