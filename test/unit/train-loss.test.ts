// The training loss equals tfjs's softmax cross-entropy (with and without label smoothing), in
// value and gradient, and the correct-prediction count is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { correctCount, crossEntropy } from '../../server/train/step.js';
import { registerTrainingGradients } from '../../server/nn/gradients/index.js';

test('cross-entropy matches tf.losses.softmaxCrossEntropy in value and gradient', async () => {
  await tf.setBackend('cpu');
  registerTrainingGradients();
  const logits = tf.tensor2d([[2, -1, 0.5, 3], [0, 0, 0, 0], [-4, 8, 1, 2]]);
  const labels = tf.tensor1d([3, 1, 0], 'int32');
  for (const smoothing of [0, 0.1]) {
    const reference = (z: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 4), z as tf.Tensor2D, undefined, smoothing, tf.Reduction.MEAN) as tf.Scalar;
    const ours = (z: tf.Tensor) => crossEntropy(z as tf.Tensor2D, labels, 4, smoothing);
    assert.ok(Math.abs(ours(logits).dataSync()[0] - reference(logits).dataSync()[0]) < 1e-6, `value at smoothing ${smoothing}`);
    const [gOurs, gReference] = [tf.grad(ours)(logits).dataSync(), tf.grad(reference)(logits).dataSync()];
    gOurs.forEach((g, i) => assert.ok(Math.abs(g - gReference[i]) < 1e-6, `gradient ${i} at smoothing ${smoothing}`));
  }
  assert.equal(correctCount(logits, labels).dataSync()[0], 1, 'only the first row predicts its label');
});
