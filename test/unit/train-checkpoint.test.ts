// Checkpoint files round-trip tensors and counters exactly, keep only the newest two, point
// latest.json at a complete file, and reject truncated or foreign files with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from '../../server/train/checkpoint.js';

const meta = (step: number) => ({ step, epoch: 1, batchInEpoch: 3, rng: { seed: 7, scheme: 'stateless-per-step' as const }, counters: { trainFlops: 1.5e12, bestTop1: 0.91 } });

test('save and load round-trip tensors and metadata exactly; only two files are kept', async () => {
  await tf.setBackend('cpu');
  const dir = mkdtempSync(join(tmpdir(), 'rigl-ckpt-'));
  const weights = tf.tensor2d([[0.1, -2.5], [3e-8, 1e9]]);
  const labels = tf.tensor1d([1, 2, 3], 'int32');
  for (const step of [10, 20, 30]) await saveCheckpoint(dir, meta(step), new Map<string, tf.Tensor>([['model/w', weights], ['data/labels', labels]]));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.ckpt')).sort(), ['step-00000020.ckpt', 'step-00000030.ckpt']);
  assert.ok(readdirSync(dir).every((f) => !f.includes('.tmp-')), 'no temporary files left behind');
  const path = latestCheckpoint(dir)!.path;
  assert.match(path, /step-00000030\.ckpt$/);
  const loaded = loadCheckpoint(path);
  assert.deepEqual(loaded.meta, meta(30));
  assert.deepEqual(Array.from(loaded.tensors.get('model/w')!.dataSync()), Array.from(weights.dataSync()));
  assert.deepEqual(loaded.tensors.get('model/w')!.shape, [2, 2]);
  assert.equal(loaded.tensors.get('data/labels')!.dtype, 'int32');
  tf.dispose([weights, labels, ...loaded.tensors.values()]);
});

test('a truncated or foreign file is rejected with the path and why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-ckpt-'));
  const weights = tf.tensor1d([1, 2, 3, 4]);
  const path = await saveCheckpoint(dir, meta(5), new Map([['w', weights]]));
  weights.dispose();
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 4));
  assert.throws(() => loadCheckpoint(path), /tensor w runs past the end of the file/);
  const foreign = join(dir, 'foreign.ckpt');
  writeFileSync(foreign, Buffer.from([5, 0, 0, 0, 123, 34, 120, 34, 125]));
  assert.throws(() => loadCheckpoint(foreign), /unreadable header|unknown format/);
  assert.equal(latestCheckpoint(join(dir, 'missing')), undefined);
});
