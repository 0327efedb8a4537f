// Synthetic data for tests and benchmarks: every class has a fixed random template (a coarse
// grid, upsampled, so it suits convolutions too) and an example is its template plus noise.
import { createDataset, limitSource, type ExampleSource } from './batching.js';
import { SeededRandom } from './random.js';
import type { Batch, Dataset } from './types.js';

export const DEFAULT_SYNTHETIC_SHAPE: [number, number, number] = [32, 32, 3];
export const DEFAULT_SYNTHETIC_CLASSES = 10;
/** Side of each class template's grid; small so that 1000 classes at 224×224 cost little memory. */
const TEMPLATE_GRID = 8;
/** Per-pixel noise, as large as the templates' own spread: still clearly learnable by any model. */
const NOISE_STD = 1;
const TEMPLATE_STREAM = 0x54;
const EXAMPLE_STREAM = 0x45;
const TRAIN_SPLIT = 0;
const TEST_SPLIT = 1;

/** The synthetic test set's size for a training set of `trainSize`, as the config's dataset facts state it. */
export function syntheticTestSize(trainSize: number): number {
  return Math.max(1, Math.floor(trainSize / 4));
}

interface Templates { grid: [number, number]; values: Float32Array }

function makeTemplates(shape: [number, number, number], numClasses: number, seed: number): Templates {
  const grid: [number, number] = [Math.min(TEMPLATE_GRID, shape[0]), Math.min(TEMPLATE_GRID, shape[1])];
  const random = new SeededRandom(TEMPLATE_STREAM, seed);
  const values = new Float32Array(numClasses * grid[0] * grid[1] * shape[2]);
  for (let i = 0; i < values.length; i++) values[i] = random.normal();
  return { grid, values };
}

function syntheticSource(size: number, split: number, shape: [number, number, number], numClasses: number, templates: Templates, seed: number): ExampleSource {
  const [height, width, channels] = shape;
  const [gridH, gridW] = templates.grid;
  const exampleLength = height * width * channels;
  // Which template cell each pixel row and column falls in (nearest-neighbour upsampling).
  const cellRow = Int32Array.from({ length: height }, (_, h) => Math.floor((h * gridH) / height));
  const cellCol = Int32Array.from({ length: width }, (_, w) => Math.floor((w * gridW) / width));
  const writeExample = (index: number, out: Float32Array, offset: number): number => {
    const label = index % numClasses;
    const template = label * gridH * gridW * channels;
    // Each example has its own stream, so its content never depends on batch order or epoch.
    const random = new SeededRandom(EXAMPLE_STREAM, seed, split, index);
    let o = offset;
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        const cell = template + (cellRow[h]! * gridW + cellCol[w]!) * channels;
        for (let c = 0; c < channels; c++) out[o++] = templates.values[cell + c]! + NOISE_STD * random.normal();
      }
    }
    return label;
  };
  return {
    size,
    async makeBatch(indices: Uint32Array): Promise<Batch> {
      const x = new Float32Array(indices.length * exampleLength);
      const y = new Int32Array(indices.length);
      for (let k = 0; k < indices.length; k++) y[k] = writeExample(indices[k]!, x, k * exampleLength);
      return { x, y, size: indices.length };
    },
  };
}

export interface SyntheticOptions {
  trainSize: number;
  inputShape?: [number, number, number];
  numClasses?: number;
  seed: number;
  trainLimit: number;
  prefetchDepth: number;
}

export function openSynthetic(options: SyntheticOptions): Dataset {
  const shape = options.inputShape ?? DEFAULT_SYNTHETIC_SHAPE;
  const numClasses = options.numClasses ?? DEFAULT_SYNTHETIC_CLASSES;
  const templates = makeTemplates(shape, numClasses, options.seed);
  return createDataset({
    name: 'synthetic', inputShape: shape, numClasses, prefetchDepth: options.prefetchDepth,
    train: limitSource(syntheticSource(options.trainSize, TRAIN_SPLIT, shape, numClasses, templates, options.seed), options.trainLimit),
    test: syntheticSource(syntheticTestSize(options.trainSize), TEST_SPLIT, shape, numClasses, templates, options.seed),
  });
}
