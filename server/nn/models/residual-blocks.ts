// The residual pieces the CIFAR and ImageNet ResNets share: torchvision's basic block
// (post-activation) and its projection shortcut (1×1 conv + BN where the spec lists one).
import * as tf from '@tensorflow/tfjs-core';
import type { Layer, ModelBuilder } from './builder.js';

/** conv3×3 → BN → ReLU → conv3×3 → BN, plus the (projected) input, then ReLU. */
export function basicBlock(b: ModelBuilder, prefix: string): Layer {
  const width = b.outChannels(`${prefix}.conv1`);
  const conv1 = b.conv(`${prefix}.conv1`);
  const bn1 = b.batchNorm(`${prefix}.bn1`, width);
  const conv2 = b.conv(`${prefix}.conv2`);
  const bn2 = b.batchNorm(`${prefix}.bn2`, width);
  const shortcut = projectionShortcut(b, prefix);
  return (x, c) => tf.relu(tf.add<tf.Tensor4D>(bn2(conv2(tf.relu(bn1(conv1(x, c), c)), c), c), shortcut(x, c)));
}

/** torchvision's downsample (1×1 conv with the block's stride, then BN) where the spec lists one; else identity. */
export function projectionShortcut(b: ModelBuilder, prefix: string): Layer {
  const name = `${prefix}.downsample`;
  if (!b.has(name)) return (x) => x;
  const conv = b.conv(name);
  const bn = b.batchNorm(`${name}.bn`, b.outChannels(name));
  return (x, c) => bn(conv(x, c), c);
}
