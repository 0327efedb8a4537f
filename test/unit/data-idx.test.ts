// The IDX parser and MNIST-layout folders: plain and gzip files, big-endian dims and values,
// bad magic and truncated data rejected with the file named, Debian's gzipped Fashion-MNIST.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseIdx, readIdxDims, readIdxFile, ubyteMagic } from '../../server/data/idx.js';
import { DEFAULT_FASHION_MNIST_PATH } from '../../server/data/fashion-mnist.js';
import { openDataset } from '../../server/data/index.js';
import type { DatasetConfig } from '../../server/config/types.js';
import { idxBytes, temporaryFolder, writeIdxFolder } from '../fixtures/data/generate.js';

const config = (name: DatasetConfig['name'], path?: string): DatasetConfig => ({ name, path, synthetic_size: 1024, train_limit: 0 });

test('an unsigned-byte IDX file parses to its dims and values', () => {
  const parsed = parseIdx(idxBytes([2, 3], [1, 2, 3, 4, 5, 255]), 'mem', ubyteMagic(2));
  assert.deepEqual(parsed.dims, [2, 3]);
  assert.ok(parsed.data instanceof Uint8Array);
  assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 255]);
});

test('multi-byte IDX values are read big-endian', () => {
  const bytes = Buffer.alloc(4 + 4 + 8);
  bytes.writeUInt32BE(0x00000c01, 0); // int32, rank 1
  bytes.writeUInt32BE(2, 4);
  bytes.writeInt32BE(-5, 8);
  bytes.writeInt32BE(0x01020304, 12);
  const parsed = parseIdx(bytes, 'mem');
  assert.ok(parsed.data instanceof Int32Array);
  assert.deepEqual(Array.from(parsed.data), [-5, 0x01020304]);
});

test('the same IDX file reads identically plain and gzipped', async () => {
  const tmp = temporaryFolder('idx');
  try {
    const bytes = idxBytes([3, 2, 2], Array.from({ length: 12 }, (_, i) => i * 20));
    writeFileSync(join(tmp.folder, 'plain'), bytes);
    writeFileSync(join(tmp.folder, 'packed.gz'), gzipSync(bytes));
    const plain = await readIdxFile(join(tmp.folder, 'plain'), ubyteMagic(3));
    const packed = await readIdxFile(join(tmp.folder, 'packed.gz'), ubyteMagic(3));
    assert.deepEqual(plain.dims, [3, 2, 2]);
    assert.deepEqual(packed.dims, plain.dims);
    assert.deepEqual(Array.from(packed.data), Array.from(plain.data));
    // A plan reads only the header, the same for both.
    assert.deepEqual(await readIdxDims(join(tmp.folder, 'plain')), [3, 2, 2]);
    assert.deepEqual(await readIdxDims(join(tmp.folder, 'packed.gz')), [3, 2, 2]);
    await assert.rejects(readIdxDims(join(tmp.folder, 'missing')), /missing: cannot read its header/);
  } finally {
    tmp.remove();
  }
});

test('a wrong magic names the file and both magics', () => {
  assert.throws(() => parseIdx(idxBytes([4], [0, 1, 2, 3]), '/a/b', ubyteMagic(3)),
    { name: 'DatasetError', message: 'IDX file /a/b: bad magic 0x00000801, expected 0x00000803' });
  assert.throws(() => parseIdx(Buffer.from('PK\x03\x04rest of a zip'), '/a/c'), /IDX file \/a\/c: bad magic 0x504b0304/);
});

test('a truncated IDX file is rejected with the sizes involved', () => {
  const bytes = idxBytes([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 12 + 4);
  assert.throws(() => parseIdx(bytes, '/t'), /IDX file \/t: header says 2×3 unsigned byte values \(6 bytes\) but the file holds 4 bytes/);
});

test('a missing IDX file names the path, not ENOENT', async () => {
  await assert.rejects(readIdxFile('/nonexistent/x-idx3-ubyte'), (error: Error) => {
    assert.equal(error.name, 'DatasetError');
    assert.match(error.message, /\/nonexistent\/x-idx3-ubyte does not exist \(expected an IDX file/);
    assert.doesNotMatch(error.message, /ENOENT/);
    return true;
  });
});

test('fashion-mnist reads a gzipped folder with the standard (Debian) names', async () => {
  const tmp = temporaryFolder('fashion');
  try {
    const written = writeIdxFolder(tmp.folder, true);
    const dataset = await openDataset(config('fashion-mnist', tmp.folder), { seed: 0 });
    assert.deepEqual([dataset.trainSize, dataset.testSize, dataset.numClasses], [12, 5, 10]);
    assert.deepEqual(dataset.inputShape, [4, 4, 1]);
    const labels: number[] = [];
    let first: Float32Array | undefined;
    for await (const batch of dataset.testBatches(2)) {
      labels.push(...batch.y);
      first ??= batch.x;
    }
    assert.deepEqual(labels, Array.from(written.test.labels));
    // Fashion-MNIST normalization: (byte / 255 - 0.286) / 0.353.
    assert.ok(Math.abs(first![1]! - (written.test.images[1]! / 255 - 0.286) / 0.353) < 1e-6);
  } finally {
    tmp.remove();
  }
});

test('a missing or incomplete fashion-mnist folder says what it expected', async () => {
  await assert.rejects(openDataset(config('fashion-mnist', '/nonexistent/fm'), { seed: 0 }),
    /Fashion-MNIST: \/nonexistent\/fm does not exist \(expected a folder with train-images-idx3-ubyte\(\.gz\)/);
  if (!existsSync(DEFAULT_FASHION_MNIST_PATH)) {
    await assert.rejects(openDataset(config('fashion-mnist'), { seed: 0 }),
      /Fashion-MNIST: \/usr\/share\/datasets\/fashion-mnist does not exist .*apt-get install dataset-fashion-mnist/);
  }
  const tmp = temporaryFolder('fashion-partial');
  try {
    writeIdxFolder(tmp.folder, false);
    rmSync(join(tmp.folder, 't10k-labels-idx1-ubyte'));
    await assert.rejects(openDataset(config('fashion-mnist', tmp.folder), { seed: 0 }),
      new RegExp(`Fashion-MNIST: ${tmp.folder} has no t10k-labels-idx1-ubyte\\(\\.gz\\)`));
  } finally {
    tmp.remove();
  }
});
