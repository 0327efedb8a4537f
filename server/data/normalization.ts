// Per-channel mean and standard deviation of each dataset's pixels scaled to [0, 1], and the
// lookup table that maps a raw byte straight to its normalized value.

export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

export const MNIST_NORMALIZATION: Normalization = { mean: [0.1307], std: [0.3081] };
export const FASHION_MNIST_NORMALIZATION: Normalization = { mean: [0.286], std: [0.353] };
export const CIFAR10_NORMALIZATION: Normalization = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
export const IMAGENET_NORMALIZATION: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** table[c * 256 + byte] = (byte / 255 - mean[c]) / std[c]. */
export function byteNormalizationTable(normalization: Normalization): Float32Array {
  const channels = normalization.mean.length;
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    for (let byte = 0; byte < 256; byte++) table[c * 256 + byte] = (byte / 255 - normalization.mean[c]!) / normalization.std[c]!;
  }
  return table;
}

/** Writes HWC bytes into out at offset, normalized per channel through the table. */
export function normalizeBytes(bytes: Uint8Array, table: Float32Array, channels: number, out: Float32Array, offset: number): void {
  if (channels === 1) {
    for (let p = 0; p < bytes.length; p++) out[offset + p] = table[bytes[p]!]!;
    return;
  }
  for (let p = 0; p < bytes.length; p += channels) {
    for (let c = 0; c < channels; c++) out[offset + p + c] = table[c * 256 + bytes[p + c]!]!;
  }
}
