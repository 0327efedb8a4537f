// Failures of the PyTorch engine end cleanly: a non-finite loss fails the run naming the step,
// unreadable data fails it with the reason, a missing plan.json exits with one readable line;
// each exits non-zero with the reason as stderr's last line, and stop on end of stdin checkpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { resolveConfigText } from '../../server/config/load.js';
import type { RunSummary } from '../../server/protocol.js';
import { createTorchRun } from './plan-fixture.js';
import { readEvents, runEngine } from './engine-process.js';
import { writeCifarFolder } from './data-fixtures.js';

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;

test('pytorch: a loss that becomes NaN fails the run and names the step', async () => {
  const config = resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 128 }
sparsity: { method: rigl, sparsity: 0.5 }
training: { epochs: 1, batch_size: 8, log_every: 2, optimizer: { lr: 1.0e+30, momentum: 0 } }
`, 'nan.rigl.yaml');
  const { run } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-nan-')), config);
  const result = await runEngine(run.dir, { keepStdin: true });
  assert.equal(result.code, 1);
  const summary = summaryOf(run.dir);
  assert.equal(summary.state, 'failed');
  assert.match(summary.message ?? '', /the loss became (NaN|infinite) at step \d+; lower training\.optimizer\.lr/);
  assert.equal(lastLine(result.stderr), `rigl_torch: ${summary.message}`);
  assert.equal(readEvents(run.dir).filter((e) => e.type === 'train').length, 0, 'no non-finite loss is reported as a metric');
});

test('pytorch: data damaged after the run was planned fails the run with the reason', async () => {
  const folder = writeCifarFolder(mkdtempSync(join(tmpdir(), 'rigl-torch-cifar-')), 16, 8);
  const config = resolveConfigText(`
model: resnet20
dataset: { name: cifar10, path: ${folder} }
sparsity: { method: static, sparsity: 0.5 }
training: { epochs: 1, batch_size: 8 }
`, 'bad-data.rigl.yaml');
  const { run } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-data-')), config);
  truncateSync(join(folder, 'data_batch_3.bin'), 100);
  const result = await runEngine(run.dir, { keepStdin: true });
  assert.equal(result.code, 1);
  const summary = summaryOf(run.dir);
  assert.equal(summary.state, 'failed');
  assert.match(summary.message ?? '', /CIFAR-10: .*data_batch_3\.bin is 100 bytes, not a whole number of 3073-byte records/);
  assert.match(lastLine(result.stderr), /^rigl_torch: .*CIFAR-10/);
  assert.match(readFileSync(run.path('log'), 'utf8'), /failed: /);
});

test('pytorch: a run directory without plan.json exits with one readable line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-torch-noplan-'));
  const result = await runEngine(dir, { keepStdin: true });
  assert.equal(result.code, 2);
  assert.match(lastLine(result.stderr), /^rigl_torch: .*plan\.json does not exist/);
});

test('pytorch: end of stdin stops after the step with a checkpoint', async () => {
  const config = resolveConfigText(`
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 256 }
sparsity: { method: set, sparsity: 0.8, update: { delta_t: 3 } }
training: { epochs: 2, batch_size: 8, log_every: 1 }
`, 'eof.rigl.yaml');
  const { run } = await createTorchRun(mkdtempSync(join(tmpdir(), 'rigl-torch-eof-')), config);
  const result = await runEngine(run.dir, { keepStdin: false });
  assert.equal(result.code, 0, result.stderr);
  const summary = summaryOf(run.dir);
  assert.equal(summary.state, 'stopped');
  assert.match(summary.message ?? '', /end of stdin/);
  const latest = JSON.parse(readFileSync(join(run.dir, 'checkpoints', 'latest.json'), 'utf8')) as { step: number };
  assert.equal(latest.step, summary.step);
});
