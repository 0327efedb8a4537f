// Synthetic data: shapes and sizes from the config and the model, determinism from the seed,
// and learnability: a softmax regression trained on its batches drives the loss down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset } from '../../server/data/index.js';
import type { Batch } from '../../server/data/types.js';
import type { DatasetConfig } from '../../server/config/types.js';

const config = (extra: Partial<DatasetConfig> = {}): DatasetConfig => ({ name: 'synthetic', synthetic_size: 400, train_limit: 0, ...extra });

async function collect(batches: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

test('defaults to 32×32×3 and 10 classes with a test set a quarter the size', async () => {
  const dataset = await openDataset(config({ synthetic_size: 100 }), { seed: 0 });
  assert.deepEqual(dataset.inputShape, [32, 32, 3]);
  assert.deepEqual([dataset.numClasses, dataset.trainSize, dataset.testSize], [10, 100, 25]);
  const [batch] = await collect(dataset.testBatches(25));
  assert.equal(batch!.x.length, 25 * 32 * 32 * 3);
  assert.ok(batch!.y.every((label) => label >= 0 && label < 10));
});

test('takes the model\'s input and classes; image_size overrides the side; train_limit applies', async () => {
  const model = await openDataset(config(), { seed: 0, inputShape: [28, 28, 1], numClasses: 5 });
  assert.deepEqual([model.inputShape, model.numClasses], [[28, 28, 1], 5]);
  const sized = await openDataset(config({ image_size: 16, train_limit: 50 }), { seed: 0, inputShape: [224, 224, 3], numClasses: 1000 });
  assert.deepEqual([sized.inputShape, sized.numClasses, sized.trainSize, sized.testSize], [[16, 16, 3], 1000, 50, 100]);
});

test('the same seed gives the same data; another seed other data', async () => {
  const batchesOf = async (seed: number): Promise<Batch[]> => {
    const dataset = await openDataset(config(), { seed, inputShape: [8, 8, 2], numClasses: 3 });
    return collect(dataset.trainBatches({ epoch: 1, batchSize: 40, seed }));
  };
  const a = await batchesOf(1);
  assert.equal(a.length, 10);
  assert.deepEqual(await batchesOf(1), a);
  assert.notDeepEqual((await batchesOf(2)).map((batch) => batch.x), a.map((batch) => batch.x));
});

/** Mean cross-entropy of a linear softmax model on a batch, and one SGD step on it. */
function softmaxStep(weights: Float32Array, batch: Batch, features: number, classes: number, lr: number): number {
  const gradient = new Float32Array(weights.length);
  let loss = 0;
  for (let k = 0; k < batch.size; k++) {
    const x = batch.x.subarray(k * features, (k + 1) * features);
    const logits = Array.from({ length: classes }, (_, c) => x.reduce((sum, v, i) => sum + v * weights[i * classes + c]!, 0));
    const top = Math.max(...logits);
    const exps = logits.map((logit) => Math.exp(logit - top));
    const total = exps.reduce((a, b) => a + b);
    loss -= Math.log(exps[batch.y[k]!]! / total);
    for (let c = 0; c < classes; c++) {
      const delta = exps[c]! / total - (c === batch.y[k] ? 1 : 0);
      for (let i = 0; i < features; i++) gradient[i * classes + c]! += (delta * x[i]!) / batch.size;
    }
  }
  for (let i = 0; i < weights.length; i++) weights[i]! -= lr * gradient[i]!;
  return loss / batch.size;
}

test('learnable: softmax regression on its batches lowers the loss and beats chance on the test set', async () => {
  const [features, classes] = [8 * 8, 4];
  const dataset = await openDataset(config(), { seed: 3, inputShape: [8, 8, 1], numClasses: classes });
  const weights = new Float32Array(features * classes);
  const epochLosses: number[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    let sum = 0;
    let count = 0;
    for await (const batch of dataset.trainBatches({ epoch, batchSize: 20, seed: 3 })) {
      sum += softmaxStep(weights, batch, features, classes, 0.01);
      count++;
    }
    epochLosses.push(sum / count);
  }
  assert.ok(epochLosses[0]! < Math.log(classes) + 0.2, 'the first epoch starts near chance');
  assert.ok(epochLosses[2]! < epochLosses[0]! * 0.5, `losses by epoch ${epochLosses.join(', ')}`);
  let correct = 0;
  for await (const batch of dataset.testBatches(50)) {
    for (let k = 0; k < batch.size; k++) {
      const x = batch.x.subarray(k * features, (k + 1) * features);
      const scores = Array.from({ length: classes }, (_, c) => x.reduce((sum, v, i) => sum + v * weights[i * classes + c]!, 0));
      if (scores.indexOf(Math.max(...scores)) === batch.y[k]) correct++;
    }
  }
  assert.ok(correct / dataset.testSize > 0.8, `test accuracy ${correct / dataset.testSize}`);
});
