// The trainer on the file-backed datasets end to end: an ImageNet folder (sharp decoding, a
// class count other than 1000 sizing the classifier) and a CIFAR-10 binary folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { resolveConfigText } from '../../server/config/load.js';
import { createRun } from '../../server/rundir/start.js';
import { train } from '../../server/train/trainer.js';
import type { StatusEvent } from '../../server/protocol.js';
import { temporaryFolder, writeCifarFolder, writeImageTree } from '../fixtures/data/generate.js';

test('an ImageNet folder of 3 classes trains ResNet-18 with a 3-way classifier', async () => {
  const data = temporaryFolder('rigl-inet-');
  const runs = temporaryFolder('rigl-inet-runs-');
  try {
    await writeImageTree(data.folder, { classes: ['n01', 'n02', 'n03'], perClass: 4, sizes: [[48, 40], [40, 56]], texture: true });
    const config = resolveConfigText(`
model: resnet18
dataset: { name: imagenet, path: ${data.folder}, image_size: 32 }
sparsity: { method: rigl, sparsity: 0.8, update: { delta_t: 2 } }
training: { epochs: 1, batch_size: 4, log_every: 1, eval_batch_size: 6 }
backend: wasm
`, 'inet.rigl.yaml');
    const events: StatusEvent[] = [];
    const summary = await train({ run: await createRun(runs.folder, config), onEvent: (e) => { if (e.type === 'status') events.push(e); } });
    assert.equal(summary.state, 'completed', summary.message);
    assert.equal(summary.step, 3, '12 images at batch 4');
    const info = events.find((e) => e.info)?.info;
    assert.deepEqual(info?.layers.at(-1)?.shape, [512, 3], 'the classifier has one output per class folder');
    assert.ok(summary.final?.top1 !== undefined && summary.final.top5 === undefined, 'top-1 only with 10 classes or fewer');
  } finally {
    await tf.setBackend('cpu');
    data.remove();
    runs.remove();
  }
});

test('a CIFAR-10 binary folder trains cnn-small', async () => {
  const data = temporaryFolder('rigl-cifar-');
  const runs = temporaryFolder('rigl-cifar-runs-');
  try {
    writeCifarFolder(join(data.folder, 'cifar-10-batches-bin'));
    const config = resolveConfigText(`
model: cnn-small
dataset: { name: cifar10, path: ${data.folder} }
sparsity: { method: set, sparsity: 0.5, update: { delta_t: 2 } }
training: { epochs: 2, batch_size: 2, log_every: 1 }
backend: cpu
`, 'cifar.rigl.yaml');
    const summary = await train({ run: await createRun(runs.folder, config) });
    assert.equal(summary.state, 'completed', summary.message);
    assert.equal(summary.step, 10, '10 training records at batch 2, two epochs');
    assert.ok(summary.best !== undefined);
  } finally {
    data.remove();
    runs.remove();
  }
});
