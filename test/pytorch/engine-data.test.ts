// The PyTorch engine on the on-disk formats: CIFAR-10 binary records (ResNet-20) and an
// ImageNet-style JPEG folder through torchvision's transforms and a 2-worker DataLoader (ResNet-18).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { EvalEvent, RunSummary } from '../../server/protocol.js';
import { createTorchRun } from './plan-fixture.js';
import { readEvents, runEngine } from './engine-process.js';
import { writeCifarFolder, writeImageFolder } from './data-fixtures.js';

const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

test('pytorch: CIFAR-10 binary files train resnet20 with the planned sizes', async () => {
  const folder = writeCifarFolder(mkdtempSync(join(tmpdir(), 'rigl-torch-cifar-')), 8, 20);
  const config = resolveConfigText(`
model: resnet20
dataset: { name: cifar10, path: ${folder} }
sparsity: { method: rigl, sparsity: 0.8, update: { delta_t: 2 } }
training: { epochs: 1, batch_size: 8, log_every: 1, eval_batch_size: 8 }
`, 'cifar.rigl.yaml');
  const { run, plan } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-cifar-run-')), config);
  assert.equal(plan.data.trainSize, 40);
  const result = await runEngine(run.dir, { keepStdin: true });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(summaryOf(run.dir).state, 'completed');
  const evals = readEvents(run.dir).filter((e): e is EvalEvent => e.type === 'eval');
  assert.equal(evals.length, 1);
  assert.ok(evals[0].top1 >= 0 && evals[0].top1 <= 1);
});

test('pytorch: an ImageNet folder trains resnet18 through a 2-worker DataLoader', async () => {
  const folder = await writeImageFolder(mkdtempSync(join(tmpdir(), 'rigl-torch-imagenet-')), ['n01', 'n02', 'n03'], 4);
  const config = resolveConfigText(`
model: resnet18
dataset: { name: imagenet, path: ${folder}, image_size: 32 }
sparsity: { method: set, sparsity: 0.9, update: { delta_t: 2 } }
training: { epochs: 1, batch_size: 4, log_every: 1, eval_batch_size: 5 }
`, 'imagenet.rigl.yaml');
  const { run, plan } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-imagenet-run-')), config, { pytorch: { workers: 2 } });
  assert.deepEqual([plan.data.numClasses, plan.data.trainSize, plan.data.testSize], [3, 12, 12]);
  const result = await runEngine(run.dir, { keepStdin: true });
  assert.equal(result.code, 0, result.stderr);
  const summary = summaryOf(run.dir);
  assert.equal(summary.state, 'completed', summary.message);
  assert.equal(summary.step, 3);
  const evals = readEvents(run.dir).filter((e): e is EvalEvent => e.type === 'eval');
  assert.equal(evals.length, 1);
  assert.equal(evals[0].top5, undefined, 'top-5 only with more than ten classes');
});
