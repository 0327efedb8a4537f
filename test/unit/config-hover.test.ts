// Hover: schema documentation for keys and values; the per-layer plan table on model, sparsity
// and distribution when the config resolves, and only the schema text when it does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../server/config/hover.js';
import { toOffsets } from '../../server/config/lsp-range.js';
import { examples, positionOf } from './config-test-support.js';

const resnet50 = examples().find((e) => e.file === 'paper/imagenet-resnet50-erk-90.rigl.yaml')!.text;
const mnist = examples().find((e) => e.file === 'mnist-lenet300-rigl.rigl.yaml')!.text;

function markdownAt(text: string, needle: string, delta = 1, occurrence = 0): string {
  const result = hover(text, positionOf(text, needle, delta, occurrence));
  assert.ok(result, `a hover at ${needle}`);
  const contents = result.contents as { kind: string; value: string };
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

test('hovering `sparsity:` shows the plan: the 12 largest layers and the totals', () => {
  const value = markdownAt(resnet50, '\nsparsity:', 2);
  assert.match(value, /^\*\*`sparsity`\*\* · mapping/);
  assert.match(value, /\| layer \| shape \| weights \| density \| nonzeros \|/);
  const rows = value.split('\n').filter((line) => line.startsWith('| `'));
  assert.equal(rows.length, 12);
  assert.match(rows[0], /^\| `layer4\.\d\.conv2` \| 3×3×512×512 \| 2\.36M \| 0\.\d+ \| /);
  assert.match(value, /resnet50, 54 masked layers \(the 12 largest shown\), input 224×224×3/);
  assert.match(value, /\*\*2\.55M of 25\.5M weights kept\*\* \(90\.00% sparse\) · inference 0\.24× FLOPs · training 0\.24× FLOPs/);
  assert.match(value, /31,200 steps \(312 per epoch\); 233 mask updates, every 100 steps until step 23,400/);
});

test('the value under sparsity:, distribution and model show the plan too; the hover range is the word', () => {
  const position = positionOf(mnist, 'sparsity: 0.9', 11);
  const result = hover(mnist, position)!;
  assert.equal(mnist.slice(...toOffsets(mnist, result.range!)), '0.9');
  const value = (result.contents as { value: string }).value;
  assert.match(value, /Target global sparsity S/);
  assert.match(value, /\| `fc1` \| 784×300 \| 235k \| 0\.080 \| 18\.7k \|/);
  assert.match(markdownAt(mnist, 'distribution: erk', 15), /- \*\*`erk`\*\* — Erdős–Rényi-Kernel[\s\S]*\| `fc2` \|/);
  assert.match(markdownAt(mnist, 'model:', 1), /The network to train\.[\s\S]*\*\*26\.6k of 266k weights kept\*\*/);
});

test('other keys show the schema text: description, default, range', () => {
  const value = markdownAt(mnist, 'delta_t');
  assert.equal(value, '**`sparsity.update.delta_t`** · integer\n\nΔT: optimizer steps between two mask updates. RigL uses 100.\n\nDefault: `100` · Range: `[1, 2^40]`');
  assert.match(markdownAt(mnist, 'momentum'), /Range: `\[0, 1\)`/);
  assert.doesNotMatch(markdownAt(mnist, 'batch_size'), /\| layer \|/);
});

test('while the config has errors the plan keys show only the schema text', () => {
  const broken = mnist.replace('epochs: 5', 'epochs: -5');
  const value = markdownAt(broken, '\nsparsity:', 2);
  assert.match(value, /The sparse-training method/);
  assert.doesNotMatch(value, /\| layer \|/);
  const unparsable = 'model: resnet50\nsparsity: {\n';
  assert.match(markdownAt(unparsable, 'model'), /The network to train\./);
});

test('an override pattern lists the layers it matches', () => {
  const text = 'model: resnet20\ndataset:\n  name: synthetic\nsparsity:\n  overrides:\n    layer3.*: 0.5\n    fc: 0\n';
  assert.match(markdownAt(text, 'layer3.*'), /Matches 7 layers: `layer3\.0\.conv1`, `layer3\.0\.conv2`, `layer3\.0\.downsample`/);
  assert.match(markdownAt(text, 'fc:'), /Matches 1 layer: `fc`/);
});

test('no hover on unknown keys, comments or blank space', () => {
  assert.equal(hover('model: resnet20\nfoo: 1\n', { line: 1, character: 1 }), undefined);
  assert.equal(hover('# model: resnet20\n', { line: 0, character: 4 }), undefined);
  assert.equal(hover('model: resnet20\n\n', { line: 1, character: 0 }), undefined);
});
