// Aggregates the steps between two train events on the device (one read-back per event, not
// per step) and finds the first non-finite loss.
import * as tf from '@tensorflow/tfjs-core';

export class TrainWindow {
  private losses: tf.Scalar[] = [];
  private correct: tf.Scalar[] = [];
  private examples = 0;
  private startedAt = performance.now();
  private firstStep = 0;

  add(step: number, loss: tf.Scalar, correct: tf.Scalar, examples: number): void {
    if (this.losses.length === 0) this.firstStep = step;
    this.losses.push(loss);
    this.correct.push(correct);
    this.examples += examples;
  }

  get size(): number {
    return this.losses.length;
  }

  /** Read the window back, reset it, and report the first step whose loss was NaN or infinite. */
  async flush(): Promise<{ loss: number; accuracy: number; imagesPerSec: number; nonFiniteStep?: number }> {
    const losses = tf.stack(this.losses);
    const correct = tf.addN(this.correct);
    const [lossValues, correctValue] = await Promise.all([losses.data(), correct.data()]);
    tf.dispose([losses, correct, ...this.losses, ...this.correct]);
    const seconds = (performance.now() - this.startedAt) / 1000;
    let sum = 0;
    let nonFiniteStep: number | undefined;
    lossValues.forEach((value, i) => {
      if (!Number.isFinite(value) && nonFiniteStep === undefined) nonFiniteStep = this.firstStep + i;
      sum += value;
    });
    const result = { loss: sum / lossValues.length, accuracy: correctValue[0] / this.examples, imagesPerSec: this.examples / Math.max(seconds, 1e-9), nonFiniteStep };
    this.losses = [];
    this.correct = [];
    this.examples = 0;
    this.startedAt = performance.now();
    return result;
  }

  dispose(): void {
    tf.dispose([...this.losses, ...this.correct]);
    this.losses = [];
    this.correct = [];
  }
}
