// Functional layers over tfjs-core ops, NHWC, with PyTorch's conventions: symmetric k//2 padding,
// batch norm with batch statistics in training (momentum 0.1, unbiased running variance).
import * as tf from '@tensorflow/tfjs-core';
import { deviceScalar } from './device-scalars.js';

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.1;

/** What one forward pass threads through the layers. */
export interface ForwardContext {
  /** The effective (masked) weights, in the model's masked-weight order. */
  weights: readonly tf.Tensor[];
  training: boolean;
  /** Batch-norm running statistics to assign after the step (training only). */
  bufferUpdates: [tf.Variable, tf.Tensor][];
}

/** PyTorch-style convolution: symmetric padding ⌊k/2⌋, so the output is ⌈in / stride⌉ for odd k. */
export function conv2d(x: tf.Tensor4D, filter: tf.Tensor, stride: number): tf.Tensor4D {
  const pad = Math.floor(filter.shape[0] / 2);
  return tf.conv2d(x, filter as tf.Tensor4D, stride, pad);
}

export interface BatchNormState {
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

/**
 * Training: normalise with the batch's mean and biased variance and queue the running-statistics
 * update; eval: normalise with the running statistics.
 */
export function batchNorm(x: tf.Tensor4D, bn: BatchNormState, context: ForwardContext): tf.Tensor4D {
  if (!context.training) return tf.batchNorm4d(x, bn.runningMean as tf.Tensor1D, bn.runningVar as tf.Tensor1D, bn.beta as tf.Tensor1D, bn.gamma as tf.Tensor1D, BN_EPSILON);
  const { y, mean, variance } = batchNormWithBatchStatistics(x, bn.gamma, bn.beta);
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  // PyTorch keeps the unbiased variance in running_var.
  const unbiased = count > 1 ? tf.mul(variance, deviceScalar(count / (count - 1))) : variance;
  context.bufferUpdates.push(
    [bn.runningMean, tf.add(tf.mul(bn.runningMean, deviceScalar(1 - BN_MOMENTUM)), tf.mul(mean, deviceScalar(BN_MOMENTUM)))],
    [bn.runningVar, tf.add(tf.mul(bn.runningVar, deviceScalar(1 - BN_MOMENTUM)), tf.mul(unbiased, deviceScalar(BN_MOMENTUM)))],
  );
  tf.dispose([mean, variance, unbiased]);
  return y;
}

/**
 * y = γ·x̂ + β with x̂ = (x − μ_B)/√(σ²_B + ε), differentiated as one operation:
 * dx = γ/√(σ²_B + ε) · (dy − mean(dy) − x̂·mean(dy·x̂)). Automatic differentiation through the
 * batch mean and variance gives the same numbers with about three times the element-wise work.
 * Also returns μ_B and σ²_B (biased), which the caller must dispose.
 */
function batchNormWithBatchStatistics(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const axes = [0, 1, 2];
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  let statistics: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  const normalise = tf.customGrad<tf.Tensor4D>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, scale, offset] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.mean(input, axes) as tf.Tensor1D;
    const centered = tf.sub(input, mean);
    const variance = tf.mean(tf.square(centered), axes) as tf.Tensor1D;
    const inverseStd = tf.rsqrt(tf.add(variance, deviceScalar(BN_EPSILON)));
    const normalised = tf.mul(centered, inverseStd);
    save([normalised, inverseStd, scale]);
    // The custom op's scope disposes everything but its value: keep the statistics for the caller.
    statistics = { mean: tf.keep(mean), variance: tf.keep(variance) };
    return {
      value: tf.add(tf.mul(normalised, scale), offset) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xHat, invStd, gammaSaved] = saved;
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, xHat), axes);
        const dx = tf.mul(tf.mul(gammaSaved, invStd), tf.sub(tf.sub(dy, tf.div(dBeta, deviceScalar(count))), tf.mul(xHat, tf.div(dGamma, deviceScalar(count)))));
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = normalise(x, gamma, beta);
  return { y, ...statistics! };
}

export function dense(x: tf.Tensor2D, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor2D {
  const product = tf.matMul(x, weight as tf.Tensor2D) as tf.Tensor2D;
  return bias ? tf.add<tf.Tensor2D>(product, bias) : product;
}

/** Global average pooling: [n, h, w, c] → [n, c]. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  return tf.mean(x, [1, 2]) as tf.Tensor2D;
}

/** [n, h, w, c] → [n, h·w·c] in NHWC order. */
export function flatten(x: tf.Tensor): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
}
