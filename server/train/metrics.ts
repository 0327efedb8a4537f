// Aggregates the steps between two train events on the device (running sums, one read-back per
// event, not per step) and finds the first non-finite loss.
import * as tf from '@tensorflow/tfjs-core';

interface Sums {
  loss: tf.Scalar;
  correct: tf.Scalar;
  /** 1 while every loss so far was finite, then 0 for good. */
  allFinite: tf.Scalar;
  /** How many losses from the window's start were finite: the first non-finite step's offset. */
  finiteLead: tf.Scalar;
}

/**
 * Running sums with one binary op per quantity and step: a window of N steps never builds a
 * kernel with N inputs (tf.addN over the window needed N storage buffers, over WebGPU's default
 * limit of 8, and its pipeline was rejected).
 */
export class TrainWindow {
  private sums?: Sums;
  private steps = 0;
  private examples = 0;
  private startedAt = performance.now();
  private firstStep = 0;

  /** Folds one step in; takes over `loss` and `correct`. */
  add(step: number, loss: tf.Scalar, correct: tf.Scalar, examples: number): void {
    if (this.steps === 0) this.firstStep = step;
    const previous = this.sums;
    this.sums = tf.tidy(() => {
      const finite = tf.cast(tf.isFinite(loss), 'float32') as tf.Scalar;
      if (!previous) return { loss: tf.clone(loss), correct: tf.clone(correct), allFinite: finite, finiteLead: tf.clone(finite) };
      const allFinite = tf.mul(previous.allFinite, finite) as tf.Scalar;
      return {
        loss: tf.add(previous.loss, loss) as tf.Scalar,
        correct: tf.add(previous.correct, correct) as tf.Scalar,
        allFinite,
        finiteLead: tf.add(previous.finiteLead, allFinite) as tf.Scalar,
      };
    });
    tf.dispose([loss, correct, ...(previous ? Object.values(previous) : [])]);
    this.steps += 1;
    this.examples += examples;
  }

  get size(): number {
    return this.steps;
  }

  /** Read the window back (one transfer), reset it, and report the first step whose loss was NaN or infinite. */
  async flush(): Promise<{ loss: number; accuracy: number; imagesPerSec: number; nonFiniteStep?: number }> {
    const sums = this.sums;
    if (!sums) throw new Error('TrainWindow: flush of an empty window');
    const packed = tf.stack([sums.loss, sums.correct, sums.finiteLead]);
    let values: Float32Array;
    try {
      values = (await packed.data()) as Float32Array;
    } finally {
      tf.dispose([packed, ...Object.values(sums)]);
      this.sums = undefined;
    }
    const [lossSum, correct, finiteLead] = values;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const nonFiniteStep = finiteLead < this.steps ? this.firstStep + finiteLead : undefined;
    const result = { loss: lossSum / this.steps, accuracy: correct / this.examples, imagesPerSec: this.examples / Math.max(seconds, 1e-9), nonFiniteStep };
    this.steps = 0;
    this.examples = 0;
    this.startedAt = performance.now();
    return result;
  }

  dispose(): void {
    if (this.sums) tf.dispose(Object.values(this.sums));
    this.sums = undefined;
    this.steps = 0;
  }
}
