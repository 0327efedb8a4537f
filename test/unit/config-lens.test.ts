// Code lens (the plan's totals on the first line) and document symbols (the outline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses } from '../../server/config/lens.js';
import { documentSymbols } from '../../server/config/symbols.js';
import { toOffsets } from '../../server/config/lsp-range.js';
import { examples, fixture } from './config-test-support.js';

const mnist = examples().find((e) => e.file === 'mnist-lenet300-rigl.rigl.yaml')!.text;

test('the MNIST example\'s lens summarizes its plan on the first line', () => {
  const lenses = codeLenses(mnist);
  assert.equal(lenses.length, 1);
  assert.deepEqual(lenses[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.deepEqual(lenses[0].command, {
    title: 'lenet-300-100 · 26.6k of 266k weights (90.0% sparse) · inference 0.10× FLOPs · training 0.10× · 3,000 steps, 22 mask updates',
    command: '',
  });
});

test('the ResNet-50 lens reads like the plan of the paper\'s recipe', () => {
  const text = examples().find((e) => e.file === 'paper/imagenet-resnet50-erk-90.rigl.yaml')!.text;
  assert.equal(codeLenses(text)[0].command?.title, 'resnet50 · 2.55M of 25.5M weights (90.0% sparse) · inference 0.24× FLOPs · training 0.24× · 31,200 steps, 233 mask updates');
  const dense = codeLenses('model: lenet-300-100\ndataset:\n  name: mnist\nsparsity:\n  method: dense\n');
  assert.equal(dense[0].command?.title, 'lenet-300-100 · 266k of 266k weights (0.0% sparse) · inference 1.00× FLOPs · training 1.00× · 3,000 steps');
});

test('no lens while the config has errors, schema or semantic', () => {
  for (const name of ['unknown-key', 'yaml-syntax', 'dataset-path-required', 'model-input-mismatch']) assert.deepEqual(codeLenses(fixture(name)), [], name);
  assert.equal(codeLenses(fixture('no-mask-update')).length, 1, 'warnings do not hide it');
});

test('document symbols: the top-level sections with their children', () => {
  const symbols = documentSymbols(mnist);
  assert.deepEqual(symbols.map((s) => s.name), ['name', 'model', 'dataset', 'sparsity', 'training', 'backend']);
  const sparsity = symbols[3];
  assert.equal(sparsity.kind, 2);
  assert.deepEqual(sparsity.children?.map((s) => s.name), ['method', 'sparsity', 'distribution', 'update']);
  const update = sparsity.children![3];
  assert.deepEqual(update.children?.map((s) => `${s.name}=${s.detail}`), ['delta_t=100', 'alpha=0.3', 't_end=0.75', 'schedule=cosine']);
  assert.equal(mnist.slice(...toOffsets(mnist, sparsity.selectionRange)), 'sparsity');
  assert.match(mnist.slice(...toOffsets(mnist, sparsity.range)), /^sparsity:\n[\s\S]*schedule: cosine \}$/);
  assert.equal(symbols[1].detail, 'lenet-300-100');
  assert.equal(symbols[1].kind, 22, 'an enum value');
  assert.equal(sparsity.children![1].kind, 16, 'a number');
});

test('document symbols of a broken file show what parsed', () => {
  const symbols = documentSymbols('model: resnet20\ndataset:\n  name: [mnist\n');
  assert.ok(symbols.some((s) => s.name === 'model'));
  assert.deepEqual(documentSymbols('- a\n- b\n'), []);
});
