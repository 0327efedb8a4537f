// Batched read-back of device scalars: an update queues every count it needs (all layers at once)
// and reads them in one transfer, so a GPU backend waits once per mask update, not once per layer.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Inputs joined per concat: WebGPU allows 8 storage buffers per shader stage by default, and a
 * kernel over more inputs fails to compile there; concat of a few at a time is safe everywhere.
 */
const JOIN_ARITY = 4;

/** Concatenates 1-D tensors in a tree of small concats (bounded kernel arity on every backend). */
export function concatBounded(parts: readonly tf.Tensor1D[]): tf.Tensor1D {
  return tf.tidy(() => {
    let level: tf.Tensor1D[] = [...parts];
    if (level.length === 0) return tf.zeros([0]) as tf.Tensor1D;
    while (level.length > 1) {
      const next: tf.Tensor1D[] = [];
      for (let i = 0; i < level.length; i += JOIN_ARITY) {
        const group = level.slice(i, i + JOIN_ARITY);
        next.push(group.length === 1 ? group[0] : tf.concat1d(group));
      }
      level = next;
    }
    return tf.clone(level[0]);
  });
}

export class DeviceReads {
  private pending: tf.Tensor[] = [];
  private values?: Float32Array;

  /** Queues a scalar (this object takes it over); the returned getter answers after read(). */
  add(scalar: tf.Tensor): () => number {
    if (this.values) throw new Error('DeviceReads: already read; queue new scalars on a new batch');
    if (scalar.size !== 1) throw new Error(`DeviceReads: expected a scalar, got shape [${scalar.shape.join(', ')}]`);
    const index = this.pending.length;
    this.pending.push(scalar);
    return () => {
      if (!this.values) throw new Error('DeviceReads: value asked for before read()');
      return this.values[index];
    };
  }

  /** One transfer for everything queued; the queued scalars are disposed. */
  async read(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    if (pending.length === 0) {
      this.values = new Float32Array(0);
      return;
    }
    const packed = tf.tidy(() => concatBounded(pending.map((s) => tf.reshape(tf.cast(s, 'float32'), [1]) as tf.Tensor1D)));
    tf.dispose(pending);
    try {
      this.values = Float32Array.from(await packed.data());
    } finally {
      packed.dispose();
    }
  }

  /** Drops what was queued without reading (an update that failed part-way). */
  dispose(): void {
    tf.dispose(this.pending);
    this.pending = [];
  }
}

/** The number of ones of a 0/1 mask, queued on `reads` (a device sum; counts stay exact below 2^24). */
export function queueCount(reads: DeviceReads, mask: tf.Tensor): () => number {
  return reads.add(tf.sum(mask));
}

/** Counts of several masks in one read (restoring a checkpoint, tests). */
export async function countOnesAll(masks: readonly tf.Tensor[]): Promise<number[]> {
  const reads = new DeviceReads();
  const getters = masks.map((mask) => queueCount(reads, mask));
  await reads.read();
  return getters.map((get) => get());
}
