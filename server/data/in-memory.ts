// An example source over images already held in memory as bytes (NHWC) with their labels:
// MNIST, Fashion-MNIST and CIFAR-10. A batch is a gather plus a table lookup per pixel.
import type { ExampleSource } from './batching.js';
import { byteNormalizationTable, normalizeBytes, type Normalization } from './normalization.js';
import type { Batch } from './types.js';

export interface ByteImages {
  /** count × height × width × channels bytes. */
  pixels: Uint8Array;
  labels: Uint8Array | Int32Array;
  shape: [number, number, number];
}

export function byteImageSource(images: ByteImages, normalization: Normalization): ExampleSource {
  const [height, width, channels] = images.shape;
  const exampleLength = height * width * channels;
  const table = byteNormalizationTable(normalization);
  return {
    size: images.labels.length,
    async makeBatch(indices: Uint32Array): Promise<Batch> {
      const x = new Float32Array(indices.length * exampleLength);
      const y = new Int32Array(indices.length);
      for (let k = 0; k < indices.length; k++) {
        const index = indices[k]!;
        normalizeBytes(images.pixels.subarray(index * exampleLength, (index + 1) * exampleLength), table, channels, x, k * exampleLength);
        y[k] = images.labels[index]!;
      }
      return { x, y, size: indices.length };
    },
  };
}
