// The small CNN: three 3×3 convolutions of 32 channels (with bias), each followed by ReLU and
// 2×2 max-pooling, then one fully connected classifier on the flattened NHWC features.
import * as tf from '@tensorflow/tfjs-core';
import { flatten } from '../layers.js';
import type { Layer, ModelBuilder } from './builder.js';

export function buildCnnSmall(b: ModelBuilder): Layer<tf.Tensor4D, tf.Tensor2D> {
  const convs = ['conv1', 'conv2', 'conv3'].map((name) => b.conv(name, { bias: true }));
  const fc = b.fc('fc');
  return (x, context) => {
    let h = x;
    for (const conv of convs) h = tf.maxPool(tf.relu(conv(h, context)), 2, 2, 'valid');
    return fc(flatten(h), context);
  };
}
