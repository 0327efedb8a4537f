// ImageNet-style folders on a generated tree of JPEGs: sorted class mapping, crop sizes,
// seeded crops and flips, center-cropped evaluation, and errors for missing or odd layouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { evaluationGeometry, randomResizedCrop } from '../../server/data/crop-geometry.js';
import { openDataset } from '../../server/data/index.js';
import { SeededRandom } from '../../server/data/random.js';
import type { Batch, Dataset } from '../../server/data/types.js';
import type { DatasetConfig } from '../../server/config/types.js';
import { classRed, temporaryFolder, writeImageTree } from '../fixtures/data/generate.js';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
/** Written in this order, so folder "n03" holds red classRed(0); sorted, it becomes label 2. */
const WRITTEN_CLASSES = ['n03', 'n01', 'n02'];
const SIZE = 32;

const tree = temporaryFolder('imagenet');
const ready = writeImageTree(tree.folder, { classes: WRITTEN_CLASSES, perClass: 2, sizes: [[64, 48], [40, 80], [50, 50]] });
const config = (path?: string, extra: Partial<DatasetConfig> = {}): DatasetConfig => ({ name: 'imagenet', path, image_size: SIZE, synthetic_size: 1024, train_limit: 0, ...extra });
const open = async (): Promise<Dataset> => { await ready; return openDataset(config(tree.folder), { seed: 0 }); };
test.after(() => tree.remove());

async function collect(batches: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

/** The byte value of channel c at pixel (row, col) of example k, undoing the normalization. */
function byteAt(batch: Batch, k: number, row: number, col: number, c: number): number {
  const value = batch.x[k * SIZE * SIZE * 3 + (row * SIZE + col) * 3 + c]!;
  return (value * STD[c]! + MEAN[c]!) * 255;
}

test('classes are the sorted folder names; labels follow them in train and val', async () => {
  const dataset = await open();
  assert.deepEqual([dataset.trainSize, dataset.testSize, dataset.numClasses], [6, 6, 3]);
  assert.deepEqual(dataset.inputShape, [SIZE, SIZE, 3]);
  const [batch] = await collect(dataset.testBatches(6));
  assert.deepEqual(Array.from(batch!.y), [0, 0, 1, 1, 2, 2]);
  const sorted = [...WRITTEN_CLASSES].sort();
  for (let k = 0; k < 6; k++) {
    const folder = sorted[batch!.y[k]!]!;
    const red = byteAt(batch!, k, SIZE / 2, SIZE / 2, 0);
    assert.ok(Math.abs(red - classRed(WRITTEN_CLASSES.indexOf(folder))) < 8, `example ${k} (${folder}) red ${red}`);
  }
});

test('evaluation resizes the shorter side to size/0.875 and keeps the center', async () => {
  const dataset = await open();
  const [batch] = await collect(dataset.testBatches(4));
  assert.equal(batch!.size, 4);
  assert.equal(batch!.x.length, 4 * SIZE * SIZE * 3);
  // Green rises left to right over the whole image; the central 87.5 % spans about 16–239.
  const left = byteAt(batch!, 0, SIZE / 2, 0, 1);
  const right = byteAt(batch!, 0, SIZE / 2, SIZE - 1, 1);
  const middle = byteAt(batch!, 0, SIZE / 2, SIZE / 2, 1);
  assert.ok(left > 5 && left < 45, `left green ${left}`);
  assert.ok(right > 210 && right < 250, `right green ${right}`);
  assert.ok(Math.abs(middle - 128) < 12, `middle green ${middle}`);
  const again = await collect(dataset.testBatches(4));
  assert.deepEqual(again[0]!.x, batch!.x);
});

test('evaluation geometry: 256 then 224 for ImageNet sizes, whichever side is shorter', () => {
  assert.deepEqual(evaluationGeometry(500, 375, 224), { resizeWidth: 341, resizeHeight: 256, crop: { left: 59, top: 16, width: 224, height: 224 } });
  assert.deepEqual(evaluationGeometry(375, 500, 224), { resizeWidth: 256, resizeHeight: 341, crop: { left: 16, top: 59, width: 224, height: 224 } });
});

test('random-resized crops stay inside the image within the scale and ratio bounds', () => {
  const random = new SeededRandom(1);
  for (let i = 0; i < 500; i++) {
    const [width, height] = [50 + random.int(500), 50 + random.int(500)];
    const crop = randomResizedCrop(width, height, random);
    assert.ok(crop.left >= 0 && crop.top >= 0 && crop.left + crop.width <= width && crop.top + crop.height <= height);
    const area = (crop.width * crop.height) / (width * height);
    assert.ok(area > 0.06 && area <= 1, `area fraction ${area}`);
    const ratio = crop.width / crop.height;
    assert.ok(ratio > 0.7 && ratio < 1.43, `ratio ${ratio}`);
  }
  // A strip no crop of 8 % area fits: the central crop at the widest allowed ratio.
  assert.deepEqual(randomResizedCrop(1000, 10, new SeededRandom(2)), { left: 493, top: 0, width: 13, height: 10 });
});

test('training crops are size², seeded by (seed, epoch), and flip about half the time', async () => {
  const dataset = await open();
  const epoch = async (seed: number, e: number): Promise<Batch[]> => collect(dataset.trainBatches({ epoch: e, batchSize: 3, seed }));
  const a = await epoch(4, 0);
  assert.deepEqual(a.map((batch) => batch.x.length), [3 * SIZE * SIZE * 3, 3 * SIZE * SIZE * 3]);
  const b = await epoch(4, 0);
  assert.deepEqual(b.map((batch) => batch.x), a.map((batch) => batch.x));
  const c = await epoch(4, 1);
  assert.notDeepEqual(c.map((batch) => batch.x), a.map((batch) => batch.x));
  // The labels always match the class encoded in red, whatever the crop.
  const sorted = [...WRITTEN_CLASSES].sort();
  let flipped = 0;
  let upright = 0;
  for (let e = 0; e < 8; e++) {
    for (const batch of await epoch(7, e)) {
      for (let k = 0; k < batch.size; k++) {
        const red = byteAt(batch, k, SIZE / 2, SIZE / 2, 0);
        assert.ok(Math.abs(red - classRed(WRITTEN_CLASSES.indexOf(sorted[batch.y[k]!]!))) < 8);
        if (byteAt(batch, k, SIZE / 2, 0, 1) > byteAt(batch, k, SIZE / 2, SIZE - 1, 1)) flipped++;
        else upright++;
      }
    }
  }
  assert.ok(flipped > 8 && upright > 8, `flipped ${flipped}, upright ${upright}`);
});

test('grey and RGBA images come out as three channels', async () => {
  const sharp = (await import('sharp')).default;
  const mixed = temporaryFolder('imagenet-mixed');
  try {
    for (const split of ['train', 'val']) {
      mkdirSync(join(mixed.folder, split, 'c'), { recursive: true });
      await sharp(Buffer.alloc(40 * 40, 90), { raw: { width: 40, height: 40, channels: 1 } }).png().toFile(join(mixed.folder, split, 'c', 'grey.png'));
      await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 200, g: 10, b: 60, alpha: 0.5 } } }).png().toFile(join(mixed.folder, split, 'c', 'rgba.png'));
    }
    const dataset = await openDataset(config(mixed.folder), { seed: 0 });
    const [batch] = await collect(dataset.testBatches(2));
    assert.equal(batch!.x.length, 2 * SIZE * SIZE * 3);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(byteAt(batch!, 0, 3, 3, c) - 90) < 2, `grey channel ${c}`);
    [200, 10, 60].forEach((expected, c) => assert.ok(Math.abs(byteAt(batch!, 1, 3, 3, c) - expected) < 2, `rgba channel ${c}`));
  } finally {
    mixed.remove();
  }
});

test('train_limit keeps the first images in sorted order', async () => {
  await ready;
  const dataset = await openDataset(config(tree.folder, { train_limit: 2 }), { seed: 0 });
  assert.equal(dataset.trainSize, 2);
  const [batch] = await collect(dataset.trainBatches({ epoch: 0, batchSize: 2, seed: 0 }));
  assert.deepEqual(Array.from(batch!.y), [0, 0]);
});

test('missing or mislaid ImageNet folders say what layout was expected', async () => {
  await ready;
  await assert.rejects(openDataset(config(), { seed: 0 }), /ImageNet needs dataset\.path/);
  await assert.rejects(openDataset(config('/nonexistent/in'), { seed: 0 }),
    { message: 'ImageNet: /nonexistent/in/train does not exist (expected path/train/<class>/*.JPEG and path/val/<class>/*.JPEG)' });
  const odd = temporaryFolder('imagenet-odd');
  try {
    mkdirSync(join(odd.folder, 'train', 'a'), { recursive: true });
    mkdirSync(join(odd.folder, 'val', 'zzz'), { recursive: true });
    await assert.rejects(openDataset(config(odd.folder), { seed: 0 }), /train has class folders but no images in them/);
    await writeImageTree(odd.folder, { classes: ['a'], perClass: 1, sizes: [[20, 20]] });
    await assert.rejects(openDataset(config(odd.folder), { seed: 0 }), /val has class folder\(s\) zzz that the training split lacks/);
    renameSync(join(odd.folder, 'val', 'a', 'img_0.JPEG'), join(odd.folder, 'val', 'loose.JPEG'));
    rmSync(join(odd.folder, 'val', 'a'), { recursive: true });
    rmSync(join(odd.folder, 'val', 'zzz'), { recursive: true });
    await assert.rejects(openDataset(config(odd.folder), { seed: 0 }), /val has no class folders \(expected .*\); it holds images directly: sort them into one folder per class/);
  } finally {
    odd.remove();
  }
});
