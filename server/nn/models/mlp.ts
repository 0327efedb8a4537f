// LeNet-300-100: a 784-300-100-10 ReLU perceptron with biases. The input is flattened in NHWC
// order (the same as NCHW for MNIST's single channel).
import * as tf from '@tensorflow/tfjs-core';
import { flatten } from '../layers.js';
import type { Layer, ModelBuilder } from './builder.js';

export function buildLenet300100(b: ModelBuilder): Layer<tf.Tensor, tf.Tensor2D> {
  const fc1 = b.fc('fc1');
  const fc2 = b.fc('fc2');
  const fc3 = b.fc('fc3');
  return (x, context) => {
    const h1 = tf.relu(fc1(flatten(x), context));
    const h2 = tf.relu(fc2(h1, context));
    return fc3(h2, context);
  };
}
