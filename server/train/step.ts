// One training step's forward and backward pass: the loss of W ⊙ M on a batch, with gradients
// taken with respect to the masked product (RigL's dense gradient) and the unmasked parameters.
import * as tf from '@tensorflow/tfjs-core';
import { deviceScalar } from '../nn/device-scalars.js';
import type { TrainableModel } from '../nn/models/index.js';

export interface StepResult {
  /** Scalar loss and the batch's correct-prediction count, on the device (not read back). */
  loss: tf.Scalar;
  correct: tf.Scalar;
  /** Dense gradients w.r.t. W ⊙ M, in the model's masked-weight order. */
  denseGradients: tf.Tensor[];
  /** Gradients of the biases and batch-norm parameters, in model.otherParams order. */
  otherGradients: tf.Tensor[];
  /** Batch-norm running statistics to assign after the step. */
  bufferUpdates: [tf.Variable, tf.Tensor][];
}

/**
 * Mean cross-entropy with label smoothing: −(1/N)·Σ q·log softmax(z), q = (1 − ε)·onehot + ε/K.
 * Its gradient is written out, (softmax(z) − q)/N (each row of q sums to 1): automatic
 * differentiation through logSoftmax, sum and mean gives the same numbers but builds host-side
 * ones() tensors that a GPU must upload every step, and tf.losses.softmaxCrossEntropy took a
 * third of a LeNet step on wasm (bench/profile-step). Constants are device scalars.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, labelSmoothing: number): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
    const targets = labelSmoothing > 0 ? tf.add(tf.mul(oneHot, deviceScalar(1 - labelSmoothing)), deviceScalar(labelSmoothing / numClasses)) : oneHot;
    const inverseCount = deviceScalar(1 / logits.shape[0]);
    const loss = tf.customGrad<tf.Scalar>((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
      const logProbabilities = tf.logSoftmax(z);
      // Saved (the engine keeps a copy past this tidy) rather than captured: the tidy disposes targets.
      save([logProbabilities, targets]);
      return {
        value: tf.neg(tf.mul(tf.sum(tf.mul(targets, logProbabilities)), inverseCount)) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, [savedLogProbabilities, savedTargets]: tf.Tensor[]) => tf.mul(tf.mul(tf.sub(tf.exp(savedLogProbabilities), savedTargets), inverseCount), dy),
      };
    });
    return loss(logits);
  });
}

export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar);
}

/** A mixup batch's second labels and their share 1 − λ (train/mixup.ts). */
export interface MixupTargets {
  partnerLabels: tf.Tensor1D;
  lambda: number;
}

/**
 * Forward and backward on one batch. `effectiveWeights` are W ⊙ M (or W for unmasked training);
 * differentiating with respect to them gives the dense gradient that RigL grows by, and the
 * gradient of W is that times M. With mixup the loss is λ·CE(labels) + (1 − λ)·CE(partners), and
 * a prediction counts as correct when it names the label with the larger share.
 */
export function forwardBackward(model: TrainableModel, x: tf.Tensor, labels: tf.Tensor1D, effectiveWeights: tf.Tensor[], numClasses: number, labelSmoothing: number, mixup?: MixupTargets): StepResult {
  let correct: tf.Scalar | undefined;
  let bufferUpdates: [tf.Variable, tf.Tensor][] = [];
  const lossFunction = () => {
    const output = model.forward(x, effectiveWeights, true);
    // The gradient pass disposes everything f made except its result: keep what the step needs.
    const majority = mixup && mixup.lambda < 0.5 ? mixup.partnerLabels : labels;
    correct = tf.keep(correctCount(output.logits, majority));
    bufferUpdates = output.bufferUpdates.map(([variable, value]) => [variable, tf.keep(value)]);
    const loss = crossEntropy(output.logits, labels, numClasses, labelSmoothing);
    if (!mixup) return loss;
    return tf.add(tf.mul(loss, mixup.lambda), tf.mul(crossEntropy(output.logits, mixup.partnerLabels, numClasses, labelSmoothing), 1 - mixup.lambda)) as tf.Scalar;
  };
  const inputs = [...effectiveWeights, ...model.otherParams];
  // dy = 1 as a device scalar: left undefined, tfjs makes it with a host-side ones() each step.
  const { value, grads } = tf.engine().gradients(lossFunction, inputs, deviceScalar(1), true);
  const gradients = grads.map((g, i) => g ?? tf.zerosLike(inputs[i]));
  return {
    loss: value as tf.Scalar,
    correct: correct!,
    denseGradients: gradients.slice(0, effectiveWeights.length),
    otherGradients: gradients.slice(effectiveWeights.length),
    bufferUpdates,
  };
}
