// Sweep grids: expansion (order, ids, configs), the CLI's --grid/--seeds, and the config language on
// a sweep section (bad keys and values at their place in the grid, combinations, lens and hover).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandGrid, pointConfig } from '../../server/sweeps/grid.js';
import { sweepGridOf } from '../../server/sweeps/spec.js';
import { configProblems } from '../../server/config/diagnostics.js';
import { codeLenses } from '../../server/config/lens.js';
import { hover } from '../../server/config/hover.js';
import { offsetToPosition } from '../../server/config/positions.js';
import { resolveConfigText, ConfigError } from '../../server/config/load.js';
import { sweepTotals } from '../../server/config/sweep.js';
import { stringify } from 'yaml';
import { CPU_ONLY_ENV, root } from './config-test-support.js';

const BASE = `model: lenet-300-100
dataset: { name: mnist }
training: { epochs: 1, seed: 7 }
`;

/** Line and column (1-based) of a problem, as the CLI prints them. */
function where(text: string, offset: number): string {
  const { line, character } = offsetToPosition(text, offset);
  return `${line + 1}:${character + 1}`;
}

test('expansion: every combination in written order, seeds innermost, stable readable ids', () => {
  const points = expandGrid({ axes: [{ key: 'sparsity.method', values: ['rigl', 'set'] }, { key: 'sparsity.sparsity', values: [0.8, 0.9, 0.95] }], seeds: [0, 1] });
  assert.equal(points.length, 12);
  assert.deepEqual(points.slice(0, 3).map((p) => p.runId), ['p0-rigl-0.8-s0', 'p0-rigl-0.8-s1', 'p1-rigl-0.9-s0']);
  assert.equal(points[11].runId, 'p5-set-0.95-s1');
  assert.deepEqual(points[11].values, { 'sparsity.method': 'set', 'sparsity.sparsity': 0.95 });
  assert.equal(new Set(points.map((p) => p.runId)).size, 12);
  // Ten or more points get zero-padded numbers so that folders sort in grid order.
  const many = expandGrid({ axes: [{ key: 'training.epochs', values: Array.from({ length: 11 }, (_, i) => i + 1) }], seeds: [3] });
  assert.deepEqual([many[0].runId, many[10].runId], ['p00-1-s3', 'p10-11-s3']);
  assert.deepEqual(expandGrid({ axes: [], seeds: [0] }).map((p) => p.runId), ['p0-s0']);
});

test('a point\'s config: values set at their key paths, the seed set, the sweep section gone', () => {
  const raw = { model: 'lenet-300-100', dataset: { name: 'mnist' }, sparsity: { method: 'rigl' }, sweep: { grid: {} } };
  const config = pointConfig(raw, { values: { 'sparsity.sparsity': 0.95, 'sparsity.update.delta_t': 50 }, seed: 4 });
  assert.deepEqual(config, { model: 'lenet-300-100', dataset: { name: 'mnist' }, sparsity: { method: 'rigl', sparsity: 0.95, update: { delta_t: 50 } }, training: { seed: 4 } });
  assert.ok('sweep' in raw, 'the base is not changed');
  const resolved = resolveConfigText(stringify(config), 'point');
  assert.equal(resolved.sparsity.update.alpha, 0.3, 'defaults fill the rest');
  assert.equal((resolved as unknown as Record<string, unknown>).sweep, undefined);
});

test('the grid from the file, --grid replacing or adding an axis, --seeds; seeds default to the config\'s', () => {
  const raw = { training: { seed: 7 }, sweep: { grid: { 'sparsity.method': ['rigl', 'set'], 'sparsity.sparsity': [0.9] } } };
  assert.deepEqual(sweepGridOf(raw), { axes: [{ key: 'sparsity.method', values: ['rigl', 'set'] }, { key: 'sparsity.sparsity', values: [0.9] }], seeds: [7] });
  const overridden = sweepGridOf(raw, { grid: ['sparsity.sparsity=0.8,0.95', 'sparsity.distribution=uniform, erk'], seeds: '0,1,2' });
  assert.deepEqual(overridden.axes.map((a) => [a.key, a.values]), [['sparsity.method', ['rigl', 'set']], ['sparsity.sparsity', [0.8, 0.95]], ['sparsity.distribution', ['uniform', 'erk']]]);
  assert.deepEqual(overridden.seeds, [0, 1, 2]);
  assert.deepEqual(sweepGridOf({}).seeds, [0], 'the schema\'s default seed');
  assert.throws(() => sweepGridOf(raw, { seeds: '0,x' }), (e: Error) => e instanceof ConfigError && /--seeds 0,x/.test(e.message));
  assert.throws(() => sweepGridOf(raw, { grid: ['sparsity.sparsity'] }), /expected key.path=v1,v2/);
  assert.throws(() => sweepGridOf(raw, { grid: ['training.seed=1,2'] }), /seeds go in --seeds 1,2/);
});

test('bad grid keys and values are reported where they are written in the grid', () => {
  const text = `${BASE}sweep:
  grid:
    sparsity.sparsity: [0.8, 1.5, 0.9]
    sparsity.metod: [rigl]
    sparsity.distribution:
      - erk
      - ekr
    training.seed: [1, 2]
  seeds: [0, 1]
`;
  const problems = configProblems(text, CPU_ONLY_ENV).filter((p) => p.severity === 'error');
  const seen = problems.map((p) => `${p.code} ${where(text, p.range[0])} ${text.slice(p.range[0], p.range[1])}`);
  assert.deepEqual(seen, [
    'grid-value-invalid 6:30 1.5',
    'grid-key-unknown 7:5 sparsity.metod',
    'grid-value-invalid 10:9 ekr',
    'grid-key-unknown 11:5 training.seed',
  ]);
  assert.match(problems[0].message, /sparsity\.sparsity\[1\]: `sparsity\.sparsity` = 1\.5 is outside \[0, 1\)/);
  assert.match(problems[1].message, /Did you mean `sparsity\.method`\?/);
  assert.match(problems[2].message, /`ekr` is not a valid sparsity\.distribution.*Did you mean `er`\?/);
  assert.match(problems[3].message, /sweep\.seeds/);
});

test('a value valid alone but not beside another is reported on the value, naming the grid point', () => {
  // ResNet-50 trains on synthetic data and LeNet on MNIST, but ResNet-50 cannot take MNIST's 28×28 digits.
  const text = `model: lenet-300-100
dataset: { name: synthetic }
sweep:
  grid:
    model: [lenet-300-100, resnet50]
    dataset.name: [synthetic, mnist]
`;
  const problems = configProblems(text, CPU_ONLY_ENV).filter((p) => p.severity === 'error');
  assert.ok(problems.length >= 1);
  for (const problem of problems) {
    assert.equal(problem.code, 'grid-point-invalid');
    assert.ok(['resnet50', 'mnist'].includes(text.slice(problem.range[0], problem.range[1])), text.slice(problem.range[0], problem.range[1]));
    assert.match(problem.message, /^sweep grid point model=resnet50, dataset\.name=mnist: /);
  }
  // A value wrong on its own is reported alone, on the value.
  const alone = configProblems(`${BASE}sweep:\n  grid:\n    dataset.name: [mnist, cifar10]\n`, CPU_ONLY_ENV).filter((p) => p.severity === 'error');
  assert.deepEqual(alone.map((p) => [p.code, p.path.join('.')]), [['grid-value-invalid', 'sweep.grid.dataset.name.1']]);
  assert.match(alone[0].message, /cifar10 has no bundled copy/);
  // Schema-level structure of the section itself goes through the schema check.
  const wrong = configProblems(`${BASE}sweep:\n  grid:\n    sparsity.sparsity: 0.9\n  seeds: [-1]\n`, CPU_ONLY_ENV);
  assert.deepEqual(wrong.map((p) => p.code).sort(), ['out-of-range', 'wrong-type']);
});

test('the example MNIST sweep validates; its lens and hover give 40 runs and the training FLOPs in all', () => {
  const text = readFileSync(join(root, 'examples', 'sweeps', 'mnist-lenet300-methods.rigl.yaml'), 'utf8');
  assert.deepEqual(configProblems(text, CPU_ONLY_ENV).filter((p) => p.severity === 'error'), []);
  const totals = sweepTotals((require('yaml') as typeof import('yaml')).parse(text));
  assert.ok(totals);
  assert.equal(totals.runs, 40);
  assert.equal(totals.points, 20);
  // Every run: 600 steps × 100 examples; dense LeNet-300-100 is 266,200 multiply-adds (×2 FLOPs) per example forward.
  assert.ok(totals.trainFlops > 0 && totals.trainFlops < 40 * 600 * 100 * 3 * 2 * 266_200);
  const lenses = codeLenses(text);
  const sweepLens = lenses.find((l) => l.command?.title.startsWith('sweep:'));
  assert.ok(sweepLens, 'a lens on the sweep section');
  assert.equal(sweepLens.range.start.line, text.split('\n').findIndex((line) => line.startsWith('sweep:')));
  assert.match(sweepLens.command!.title, /^sweep: 40 runs \(20 grid points × 2 seeds\) · [\d.]+ GFLOPs of training in all$/);
  const line = text.split('\n').findIndex((l) => l.startsWith('sweep:'));
  const shown = hover(text, { line, character: 2 });
  assert.match(String((shown?.contents as { value: string }).value), /40 runs/);
});

test('the cluster sweep of the twelve ResNet-50 runs expands to twelve valid configs', () => {
  const text = readFileSync(join(root, 'examples', 'sweeps', 'imagenet-resnet50-table.rigl.yaml'), 'utf8');
  assert.deepEqual(configProblems(text, { fileExists: () => true }).filter((p) => p.severity === 'error'), []);
  const totals = sweepTotals((require('yaml') as typeof import('yaml')).parse(text));
  assert.equal(totals?.runs, 12);
});
