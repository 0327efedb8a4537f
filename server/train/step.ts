// One training step's forward and backward pass: the loss of W ⊙ M on a batch, with gradients
// taken with respect to the masked product (RigL's dense gradient) and the unmasked parameters.
import * as tf from '@tensorflow/tfjs-core';
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
 * Mean cross-entropy with label smoothing: −Σ q·log softmax(z), q = (1 − ε)·onehot + ε/K.
 * Written with logSoftmax rather than tf.losses.softmaxCrossEntropy, whose custom-gradient op
 * took a third of a LeNet step on wasm (bench/profile-step); the values are the same.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, labelSmoothing: number): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels, numClasses), 'float32');
    const targets = labelSmoothing > 0 ? tf.add(tf.mul(oneHot, 1 - labelSmoothing), labelSmoothing / numClasses) : oneHot;
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar;
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
  const { value, grads } = tf.engine().gradients(lossFunction, inputs, undefined, true);
  const gradients = grads.map((g, i) => g ?? tf.zerosLike(inputs[i]));
  return {
    loss: value as tf.Scalar,
    correct: correct!,
    denseGradients: gradients.slice(0, effectiveWeights.length),
    otherGradients: gradients.slice(effectiveWeights.length),
    bufferUpdates,
  };
}
