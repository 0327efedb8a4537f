// `rigl-studio inspect` end to end through the built CLI: the JSON contract, the table, and
// exit code 2 with file:line:col for a bad config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = join(__dirname, '..', '..', '..');
function cli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'bin', 'rigl-studio.js'), ...args], { cwd: root, encoding: 'utf8' });
}

test('inspect --json reports the ResNet-50 ERK 0.9 plan in the contract shape', () => {
  const result = cli('inspect', 'examples/paper/imagenet-resnet50-erk-90.rigl.yaml', '--json');
  assert.equal(result.status, 0, result.stderr);
  const plan = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(plan), ['model', 'layers', 'totals', 'steps']);
  assert.equal(plan.model, 'resnet50');
  assert.equal(plan.layers.length, 54);
  assert.deepEqual(Object.keys(plan.layers[0]), ['name', 'shape', 'params', 'density', 'nnz', 'flops']);
  assert.deepEqual(Object.keys(plan.totals).sort(), ['flopsDense', 'flopsSparse', 'inferenceFlopsFactor', 'nnz', 'params', 'sparsity', 'trainFlops', 'trainFlopsFactor'].sort());
  assert.ok(Math.abs(plan.totals.params - 25.5e6) < 0.05e6);
  assert.ok(Math.abs(plan.totals.inferenceFlopsFactor - 0.24) < 0.005);
  assert.equal(plan.totals.nnz, plan.layers.reduce((a: number, l: { nnz: number }) => a + l.nnz, 0));
});

test('inspect prints a table with totals, and --set changes the plan', () => {
  const result = cli('inspect', 'examples/mnist-lenet300-rigl.rigl.yaml', '--set', 'sparsity.sparsity=0.5');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^fc1\s+\[784,300\]/m);
  assert.match(result.stdout, /sparsity 50\.00%/);
});

test('a bad config exits 2 with file:line:col and the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-cli-'));
  const file = join(dir, 'bad.rigl.yaml');
  writeFileSync(file, 'model: lenet-300-100\ndataset:\n  name: mnist\ntraining:\n  epocs: 3\n');
  const result = cli('inspect', file);
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /bad\.rigl\.yaml:5:3: error unknown-key Unknown key `epocs` in training\. Did you mean `epochs`\?/);
  assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
  assert.equal(cli('inspect', join(dir, 'missing.rigl.yaml')).status, 2);
  assert.equal(cli('frobnicate').status, 2);
});
