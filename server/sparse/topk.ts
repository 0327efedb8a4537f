// Exact top-k selection as a 0/1 mask on tfjs tensors, so the same code runs on every backend:
// the drop and grow steps of every updater select through here.
import * as tf from '@tensorflow/tfjs-core';
import { Mulberry32 } from './rng.js';

/**
 * A float32 0/1 vector with exactly k ones at the k highest of `scores` (1-D). Entries that
 * must not be chosen are -Infinity; the caller guarantees at least k finite entries. Equal
 * scores are taken in index order (tf.topk's rule), so the result is deterministic.
 *
 * Measured on the cpu backend for ResNet-50's layer4 3×3 conv (2.36 M entries, k ≈ 15 k; see
 * bench/mask-update.ts): tf.topk ~260–550 ms (it builds one JS object per entry and selects
 * among them); bisecting a threshold needs ~25 passes of compare + sum at ~30 ms each; the
 * prefiltered selection ~55–70 ms. On wasm it is the other way round (native top-k 5 ms, the
 * prefilter 19 ms), and on a GPU the prefilter's host-side sample would force a sync. So the
 * prefilter serves the cpu backend only; both give exactly the same mask.
 */
export function topKMask(scores: tf.Tensor1D, k: number): tf.Tensor1D {
  return tf.getBackend() === 'cpu' ? topKMaskPrefiltered(scores, k) : topKMaskDirect(scores, k);
}

/** tf.topk over all entries, then a scatter of ones. */
export function topKMaskDirect(scores: tf.Tensor1D, k: number): tf.Tensor1D {
  return tf.tidy(() => {
    const size = scores.size;
    if (k <= 0) return tf.zeros([size], 'float32') as tf.Tensor1D;
    if (k >= size) return tf.ones([size], 'float32') as tf.Tensor1D;
    const { indices } = tf.topk(scores, k, false);
    return onesAt(indices, size);
  });
}

/** Sample size for the threshold estimate: large enough that the estimate is tight, small enough to be free. */
const SAMPLE_SIZE = 16384;
/** Fixed: the sample only steers speed, never the result, so it need not vary with the run. */
const SAMPLE_SEED = 0x5eed;

/**
 * Threshold prefilter, then an exact tf.topk on the few candidates (topKCandidates); falls back
 * to topKMaskDirect when the estimate cannot be trusted. Same result as topKMaskDirect.
 */
export function topKMaskPrefiltered(scores: tf.Tensor1D, k: number): tf.Tensor1D {
  const size = scores.size;
  if (k <= 0 || k >= size) return topKMaskDirect(scores, k);
  return tf.tidy(() => {
    const candidateIndex = topKCandidates(scores, k);
    if (!candidateIndex) return topKMaskDirect(scores, k);
    const { indices } = tf.topk(tf.gather(scores, candidateIndex), k, false);
    return onesAt(tf.gather(candidateIndex, indices) as tf.Tensor1D, size);
  });
}

/**
 * The indices, in increasing order, of every entry scoring ≥ τ, where τ is estimated from a
 * random sample so that a little more than k entries pass; undefined when fewer than k pass (or
 * when the input is too small or k too large for the prefilter to pay). Every true top-k entry
 * scores ≥ τ whenever at least k entries do, so the top k of the candidates is exact, and since
 * the order is kept, ties resolve as tf.topk resolves them on the whole input.
 */
export function topKCandidates(scores: tf.Tensor1D, k: number): tf.Tensor1D | undefined {
  const size = scores.size;
  if (size < 4 * SAMPLE_SIZE) return undefined;
  // Oversample by a few standard deviations of the binomial count, so τ rarely lands too high.
  const expected = (k / size) * SAMPLE_SIZE;
  const rank = Math.ceil(expected + 4 * Math.sqrt(expected) + 16);
  if (rank >= SAMPLE_SIZE / 4) return undefined;
  // A random sample, not a strided one: weight layouts are periodic (output channels last), and
  // a stride would see only some channels.
  const generator = new Mulberry32(SAMPLE_SEED);
  const sampleIndex = Int32Array.from({ length: SAMPLE_SIZE }, () => generator.nextBelow(size));
  const threshold = tf.tidy(() => tf.topk(tf.gather(scores, tf.tensor1d(sampleIndex, 'int32')), rank, true).values.dataSync()[rank - 1]);
  if (!Number.isFinite(threshold)) return undefined;
  return tf.tidy(() => {
    // Running count of candidates: the j-th candidate (from 1) sits where the count first reaches j.
    const runningCount = tf.cumsum(tf.cast(tf.greaterEqual(scores, threshold), 'int32'));
    const candidates = tf.slice(runningCount, [size - 1], [1]).dataSync()[0];
    if (candidates < k || candidates > size / 2) return undefined;
    const ranks = tf.range(1, candidates + 1, 1, 'int32');
    return tf.reshape(tf.searchSorted(runningCount, ranks, 'left'), [candidates]) as tf.Tensor1D;
  });
}

function onesAt(indices: tf.Tensor1D, size: number): tf.Tensor1D {
  return tf.scatterND(tf.expandDims(indices, 1), tf.ones([indices.size], 'float32'), [size]) as tf.Tensor1D;
}
