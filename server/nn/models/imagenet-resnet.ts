// torchvision's ImageNet ResNets: ResNet-18/34 (basic blocks) and ResNet-50 v1.5 (bottlenecks
// with the stride on the 3×3 convolution): 7×7/2 stem, 3×3/2 max-pool, four stages, fc.
import * as tf from '@tensorflow/tfjs-core';
import { globalAvgPool } from '../layers.js';
import type { Layer, ModelBuilder } from './builder.js';
import { basicBlock, projectionShortcut } from './residual-blocks.js';

/** conv1×1 → BN → ReLU → conv3×3 (stride) → BN → ReLU → conv1×1 → BN, plus the (projected) input, then ReLU. */
function bottleneck(b: ModelBuilder, prefix: string): Layer {
  const width = b.outChannels(`${prefix}.conv1`);
  const conv1 = b.conv(`${prefix}.conv1`);
  const bn1 = b.batchNorm(`${prefix}.bn1`, width);
  const conv2 = b.conv(`${prefix}.conv2`);
  const bn2 = b.batchNorm(`${prefix}.bn2`, width);
  const conv3 = b.conv(`${prefix}.conv3`);
  const bn3 = b.batchNorm(`${prefix}.bn3`, b.outChannels(`${prefix}.conv3`));
  const shortcut = projectionShortcut(b, prefix);
  return (x, c) => {
    const h = tf.relu(bn2(conv2(tf.relu(bn1(conv1(x, c), c)), c), c));
    return tf.relu(tf.add<tf.Tensor4D>(bn3(conv3(h, c), c), shortcut(x, c)));
  };
}

export function buildImagenetResNet(b: ModelBuilder, blocksPerStage: readonly number[], useBottleneck: boolean): Layer<tf.Tensor4D, tf.Tensor2D> {
  const stem = b.conv('conv1');
  const stemBn = b.batchNorm('bn1', b.outChannels('conv1'));
  const blocks: Layer[] = [];
  blocksPerStage.forEach((count, stage) => {
    for (let block = 0; block < count; block++) {
      const prefix = `layer${stage + 1}.${block}`;
      blocks.push(useBottleneck ? bottleneck(b, prefix) : basicBlock(b, prefix));
    }
  });
  const fc = b.fc('fc');
  return (x, c) => {
    // Max-pool 3×3/2 with padding 1, as torchvision: ⌈in / 2⌉ outputs.
    let h: tf.Tensor4D = tf.maxPool(tf.relu(stemBn(stem(x, c), c)), 3, 2, 1);
    for (const block of blocks) h = block(h, c);
    return fc(globalAvgPool(h), c);
  };
}
