// CIFAR-10 binary records: CHW planes become NHWC, labels and normalization, the archive's
// cifar-10-batches-bin/ subfolder, and clear errors for malformed sizes and missing files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCifarRecords } from '../../server/data/cifar10.js';
import { openDataset } from '../../server/data/index.js';
import type { Batch } from '../../server/data/types.js';
import type { DatasetConfig } from '../../server/config/types.js';
import { cifarRecords, temporaryFolder, writeCifarFolder } from '../fixtures/data/generate.js';

const config = (path?: string): DatasetConfig => ({ name: 'cifar10', path, synthetic_size: 1024, train_limit: 0 });

test('two records parse to NHWC bytes with their labels', () => {
  const images = parseCifarRecords(cifarRecords([6, 9]), 'mem');
  assert.deepEqual(Array.from(images.labels), [6, 9]);
  assert.deepEqual(images.shape, [32, 32, 3]);
  assert.equal(images.pixels.length, 2 * 3072);
  // Record r, pixel p, channel c was written as (r + 3p + c) mod 256 in its plane.
  for (const [r, p, c] of [[0, 0, 0], [0, 0, 2], [0, 5, 1], [1, 1023, 2], [1, 40, 0]] as const) {
    assert.equal(images.pixels[r * 3072 + p * 3 + c], (r + 3 * p + c) % 256, `record ${r} pixel ${p} channel ${c}`);
  }
});

test('a file that is not whole 3073-byte records is rejected with its size', () => {
  assert.throws(() => parseCifarRecords(cifarRecords([1, 2]).subarray(0, 5000), '/d/data_batch_1.bin'),
    /CIFAR-10: \/d\/data_batch_1\.bin is 5000 bytes, not a whole number of 3073-byte records \(expected the binary version/);
  const bad = cifarRecords([1]);
  bad[0] = 57;
  assert.throws(() => parseCifarRecords(bad, '/d/x.bin'), /record 0 has label 57, expected 0\.\.9/);
});

test('a generated folder opens inside cifar-10-batches-bin/ with normalized NHWC batches', async () => {
  const tmp = temporaryFolder('cifar');
  try {
    writeCifarFolder(join(tmp.folder, 'cifar-10-batches-bin'));
    const dataset = await openDataset(config(tmp.folder), { seed: 0 });
    assert.deepEqual([dataset.trainSize, dataset.testSize, dataset.numClasses], [10, 2, 10]);
    assert.deepEqual(dataset.inputShape, [32, 32, 3]);
    const test: Batch[] = [];
    for await (const batch of dataset.testBatches(5)) test.push(batch);
    assert.equal(test.length, 1);
    assert.deepEqual(Array.from(test[0]!.y), [3, 4]);
    // test_batch.bin was written with seed 99: pixel 0 of record 0 is red 99, green 100, blue 101.
    const mean = [0.4914, 0.4822, 0.4465];
    const std = [0.247, 0.2435, 0.2616];
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(test[0]!.x[c]! - ((99 + c) / 255 - mean[c]!) / std[c]!) < 1e-5);
    const train: number[] = [];
    for await (const batch of dataset.trainBatches({ epoch: 0, batchSize: 4, seed: 1 })) train.push(...batch.y);
    assert.equal(train.length, 8, 'two full batches of 4; the partial one is dropped');
  } finally {
    tmp.remove();
  }
});

test('missing CIFAR-10 data gives an error that names the path and the binary version', async () => {
  await assert.rejects(openDataset(config(), { seed: 0 }), /CIFAR-10 needs dataset\.path/);
  await assert.rejects(openDataset(config('/nonexistent/c10'), { seed: 0 }),
    /CIFAR-10: \/nonexistent\/c10 does not exist \(expected the binary version: data_batch_1\.\.5\.bin and test_batch\.bin\)/);
  const tmp = temporaryFolder('cifar-missing');
  try {
    await assert.rejects(openDataset(config(tmp.folder), { seed: 0 }),
      { message: `CIFAR-10: ${tmp.folder} has no data_batch_1.bin (expected the binary version: data_batch_1..5.bin and test_batch.bin)` });
    mkdirSync(join(tmp.folder, 'cifar-10-batches-py'));
    await assert.rejects(openDataset(config(tmp.folder), { seed: 0 }), /Python \(pickle\) version/);
    writeCifarFolder(tmp.folder);
    rmSync(join(tmp.folder, 'data_batch_4.bin'));
    await assert.rejects(openDataset(config(tmp.folder), { seed: 0 }), new RegExp(`${tmp.folder}/data_batch_4\\.bin does not exist`));
    writeFileSync(join(tmp.folder, 'data_batch_4.bin'), Buffer.alloc(10));
    await assert.rejects(openDataset(config(tmp.folder), { seed: 0 }), /data_batch_4\.bin is 10 bytes, not a whole number/);
  } finally {
    tmp.remove();
  }
});
