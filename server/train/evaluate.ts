// Evaluation of the sparse model on the whole test set: mean loss, top-1 and, with more than
// ten classes, top-5 accuracy. Runs with batch-norm running statistics.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types.js';
import type { TrainableModel } from '../nn/models/index.js';
import { crossEntropy } from './step.js';

export interface EvalResult { loss: number; top1: number; top5?: number }

export async function evaluate(model: TrainableModel, dataset: Dataset, effectiveWeights: tf.Tensor[], batchSize: number): Promise<EvalResult> {
  const [h, w, c] = dataset.inputShape;
  const withTop5 = dataset.numClasses > 10;
  let lossSum = 0;
  let top1 = 0;
  let top5 = 0;
  let count = 0;
  for await (const batch of dataset.testBatches(batchSize)) {
    const [loss, correct1, correct5] = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.size, h, w, c]);
      const labels = tf.tensor1d(batch.y, 'int32');
      const { logits } = model.forward(x, effectiveWeights, false);
      const batchLoss = tf.mul(crossEntropy(logits as tf.Tensor2D, labels, dataset.numClasses, 0), batch.size);
      const hit1 = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
      const hit5 = withTop5 ? tf.sum(tf.cast(tf.any(tf.equal(tf.topk(logits, 5).indices, tf.expandDims(labels, 1)), 1), 'float32')) : tf.scalar(0);
      return [batchLoss, hit1, hit5];
    });
    const values = await Promise.all([loss.data(), correct1.data(), correct5.data()]);
    tf.dispose([loss, correct1, correct5]);
    lossSum += values[0][0];
    top1 += values[1][0];
    top5 += values[2][0];
    count += batch.size;
  }
  if (count === 0) throw new Error(`evaluation: the ${dataset.name} test set is empty`);
  return { loss: lossSum / count, top1: top1 / count, ...(withTop5 ? { top5: top5 / count } : {}) };
}
