// Completion: keys of the mapping at the cursor (minus those written) with documentation, enum
// and boolean values, layer names for overrides — in valid documents and while the YAML is broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver-types';
import { complete } from '../../server/config/complete.js';
import { analyzeConfigText } from '../../server/config/resolve.js';
import { applyTextEdits } from '../../server/config/lsp-range.js';
import type { Position } from '../../server/config/positions.js';

/** Text with a `|` marking the cursor → the text without it, and the cursor's position. */
function cursor(marked: string): { text: string; position: Position } {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const lines = text.slice(0, offset).split('\n');
  return { text, position: { line: lines.length - 1, character: lines[lines.length - 1].length } };
}

function labels(marked: string): string[] {
  const { text, position } = cursor(marked);
  return complete(text, position).map((item) => item.label);
}

function itemAt(marked: string, label: string): { item: CompletionItem; text: string } {
  const { text, position } = cursor(marked);
  const item = complete(text, position).find((i) => i.label === label);
  assert.ok(item, `${label} offered`);
  return { item, text };
}

const HEAD = 'model: lenet-300-100\ndataset:\n  name: mnist\n';

test('top-level keys: those not yet written', () => {
  assert.deepEqual(labels(`${HEAD}|`), ['name', 'sparsity', 'training', 'reference', 'backend', 'engine', 'pytorch', 'sweep']);
  assert.deepEqual(labels('|'), ['name', 'model', 'dataset', 'sparsity', 'training', 'reference', 'backend', 'engine', 'pytorch', 'sweep']);
});

test('nested keys come from the mapping the indentation puts the cursor in', () => {
  assert.deepEqual(labels(`${HEAD}sparsity:\n  method: rigl\n  |\ntraining:\n  epochs: 3\n`),
    ['sparsity', 'distribution', 'erk_power', 'dense_first_layer', 'dense_last_layer', 'overrides', 'update']);
  assert.deepEqual(labels(`${HEAD}sparsity:\n  update:\n    delta_t: 10\n    |`), ['alpha', 't_end', 't_start', 'schedule', 'grad_accumulation', 'ema_decay', 'at_step_zero']);
  assert.deepEqual(labels(`${HEAD}training:\n  lr_schedule:\n    type: step\n  |`).slice(0, 3), ['epochs', 'batch_size', 'optimizer']);
});

test('keys inside a flow mapping skip those already in it', () => {
  assert.deepEqual(labels(`${HEAD}sparsity:\n  update: { delta_t: 100, |, schedule: cosine }\n`), ['alpha', 't_end', 't_start', 'grad_accumulation', 'ema_decay', 'at_step_zero']);
});

test('a key item documents the key, inserts a snippet and replaces the typed prefix', () => {
  const { item, text } = itemAt(`${HEAD}sparsity:\n  del|`, 'distribution');
  assert.equal(item.kind, 10);
  assert.match(item.detail ?? '', /uniform \| er \| erk = erk/);
  const docs = item.documentation as { kind: string; value: string };
  assert.equal(docs.kind, 'markdown');
  assert.match(docs.value, /How the sparsity budget is spread over layers/);
  assert.match(docs.value, /Default: `erk`/);
  assert.equal(item.insertTextFormat, 2);
  assert.equal(item.insertText, 'distribution: ${1|erk,uniform,er|}');
  const edit = item.textEdit as { range: { start: Position; end: Position }; newText: string };
  assert.equal(applyTextEdits(text, [edit]), `${HEAD}sparsity:\n  distribution: \${1|erk,uniform,er|}`);
  const update = itemAt(`${HEAD}sparsity:\n  |`, 'update').item;
  assert.equal(update.insertText, 'update:\n  $0');
  const dataset = itemAt('model: resnet20\n|', 'dataset').item;
  assert.equal(dataset.insertText, 'dataset:\n  name: ${1|mnist,fashion-mnist,cifar10,imagenet,synthetic|}');
  assert.match(itemAt('|', 'model').item.detail ?? '', /^required · lenet-300-100/);
});

test('enum values carry their descriptions; booleans offer true and false', () => {
  const { text, position } = cursor(`${HEAD}sparsity:\n  method: |`);
  const items = complete(text, position);
  assert.deepEqual(items.map((i) => i.label), ['rigl', 'set', 'snfs', 'static', 'gmp', 'dense']);
  assert.equal(items[0].detail, 'default');
  assert.match((items[0].documentation as { value: string }).value, /Evci et al\. 2020/);
  assert.deepEqual(labels('model: |'), ['lenet-300-100', 'cnn-small', 'resnet20', 'wrn-22-2', 'resnet18', 'resnet34', 'resnet50']);
  assert.deepEqual(labels('model: lenet-300-100\ndataset:\n  name: cif|'), ['mnist', 'fashion-mnist', 'cifar10', 'imagenet', 'synthetic']);
  assert.deepEqual(labels(`${HEAD}training:\n  optimizer: { nesterov: | }`), ['true', 'false']);
  assert.deepEqual(labels(`${HEAD}backend: w|`), ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
});

test('a value typed right after the colon gets its space; a typed value is replaced whole', () => {
  const { item, text } = itemAt('model:|', 'resnet20');
  assert.equal(applyTextEdits(text, [item.textEdit as never]), 'model: resnet20');
  const partial = itemAt('model: res|net5', 'resnet50');
  assert.equal(applyTextEdits(partial.text, [partial.item.textEdit as never]), 'model: resnet50');
});

test('overrides complete with the layer names and stage globs of the model', () => {
  const names = labels('model: resnet20\nsparsity:\n  overrides:\n    conv1: 0\n    |');
  assert.ok(!names.includes('conv1'), 'already written');
  assert.ok(names.includes('layer1.0.conv1') && names.includes('fc') && names.includes('layer2.*'));
});

test('completion works while the YAML is broken', () => {
  const unclosed = `model: resnet20\ndataset:\n  name: "mni\nsparsity:\n  |`;
  assert.equal(analyzeConfigText(cursor(unclosed).text).problems[0].code, 'yaml-syntax');
  assert.deepEqual(labels(unclosed).slice(0, 3), ['method', 'sparsity', 'distribution']);
  const halfKey = `${HEAD}sparsity:\n  method: rigl\n  dis|\ntraining:\n  epochs: 5`;
  assert.equal(analyzeConfigText(cursor(halfKey).text).problems[0].code, 'yaml-syntax');
  assert.deepEqual(labels(halfKey), ['sparsity', 'distribution', 'erk_power', 'dense_first_layer', 'dense_last_layer', 'overrides', 'update']);
  const badFlow = `${HEAD}sparsity:\n  update: { alpha: 0.3, sched|\n`;
  assert.equal(analyzeConfigText(cursor(badFlow).text).problems[0].code, 'yaml-syntax');
  assert.deepEqual(labels(badFlow), ['delta_t', 't_end', 't_start', 'schedule', 'grad_accumulation', 'ema_decay', 'at_step_zero']);
  assert.deepEqual(labels(`${HEAD}sparsity:\n  update: { schedule: lin|\n`), ['cosine', 'constant', 'linear']);
});

test('no completion in comments, lists, or under scalar keys', () => {
  assert.deepEqual(labels('model: resnet20 # a |comment'), []);
  assert.deepEqual(labels('training:\n  lr_schedule: { milestones: [30, |] }'), []);
  assert.deepEqual(labels('model: resnet20\n  |'), []);
});
