// CIFAR residual networks: ResNet-20 (post-activation basic blocks, 1×1 projection shortcuts where
// the shape changes) and WRN-22-2 (pre-activation wide blocks, Zagoruyko & Komodakis).
import * as tf from '@tensorflow/tfjs-core';
import { globalAvgPool } from '../layers.js';
import type { Layer, ModelBuilder } from './builder.js';
import { basicBlock } from './residual-blocks.js';

const STAGES = 3;
const BLOCKS_PER_STAGE = 3;

/**
 * Pre-activation: BN → ReLU → conv → BN → ReLU → conv, plus the input. Where the shape changes
 * the 1×1 shortcut reads the pre-activated input, as the reference WideResNet code does.
 */
function preActivationBlock(b: ModelBuilder, prefix: string, inChannels: number): Layer {
  const width = b.outChannels(`${prefix}.conv1`);
  const bn1 = b.batchNorm(`${prefix}.bn1`, inChannels);
  const conv1 = b.conv(`${prefix}.conv1`);
  const bn2 = b.batchNorm(`${prefix}.bn2`, width);
  const conv2 = b.conv(`${prefix}.conv2`);
  const project = b.has(`${prefix}.downsample`) ? b.conv(`${prefix}.downsample`) : undefined;
  return (x, c) => {
    const activated = tf.relu(bn1(x, c));
    const out = conv2(tf.relu(bn2(conv1(activated, c), c)), c);
    return tf.add<tf.Tensor4D>(out, project ? project(activated, c) : x);
  };
}

export function buildCifarResNet(b: ModelBuilder, preActivation: boolean): Layer<tf.Tensor4D, tf.Tensor2D> {
  const stemWidth = b.outChannels('conv1');
  const stem = b.conv('conv1');
  const stemBn = preActivation ? undefined : b.batchNorm('bn1', stemWidth);
  const blocks: Layer[] = [];
  let channels = stemWidth;
  for (let stage = 1; stage <= STAGES; stage++) {
    for (let block = 0; block < BLOCKS_PER_STAGE; block++) {
      const prefix = `layer${stage}.${block}`;
      blocks.push(preActivation ? preActivationBlock(b, prefix, channels) : basicBlock(b, prefix));
      channels = b.outChannels(`${prefix}.conv2`);
    }
  }
  // Pre-activation networks end with the BN → ReLU their last block did not apply.
  const finalBn = preActivation ? b.batchNorm('bn_final', channels) : undefined;
  const fc = b.fc('fc');
  return (x, c) => {
    let h = stem(x, c);
    if (stemBn) h = tf.relu(stemBn(h, c));
    for (const block of blocks) h = block(h, c);
    if (finalBn) h = tf.relu(finalBn(h, c));
    return fc(globalAvgPool(h), c);
  };
}
