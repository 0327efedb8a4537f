// The config-language cases of issue 11, one named regression test each: texts that crashed,
// froze or threw out of the analysis now come back as diagnostics, and the planner counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeConfigText } from '../../server/config/resolve.js';
import { configDiagnostics } from '../../server/config/diagnostics.js';
import { documentSymbols } from '../../server/config/symbols.js';
import { resolveConfigText, ConfigError } from '../../server/config/load.js';
import { MAX_TOTAL_STEPS } from '../../server/config/steps.js';
import { MAX_NESTING_DEPTH } from '../../server/config/limits.js';
import { buildPlan, gmpPruneCount, gmpUpdateSteps } from '../../server/sparse/plan.js';
import { globMatches, patternMatches } from '../../server/sparse/distribution.js';
import { SeededRandom } from '../../server/data/random.js';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { FUZZ_ENV } from './config-fuzz-run.js';

const HEAD = 'model: lenet-300-100\ndataset: { name: mnist }\n';
const codes = (text: string) => configDiagnostics(text, FUZZ_ENV).map((d) => `${d.severity}:${String(d.code)}`);

test('gmp with delta_t 1 and epochs 1e300 is an out-of-range error, not a V8 crash or an endless plan', () => {
  for (const tStart of [0, 0.5]) {
    const text = `${HEAD}sparsity: { method: gmp, update: { delta_t: 1, t_start: ${tStart} } }\ntraining: { epochs: 1e300 }\n`;
    const analysis = analyzeConfigText(text);
    assert.equal(analysis.config, undefined);
    const problem = analysis.problems.find((p) => p.code === 'out-of-range');
    assert.deepEqual(problem?.path, ['training', 'epochs']);
  }
});

test('.inf and .nan are not numbers a config accepts', () => {
  for (const value of ['.inf', '-.inf', '.nan', '.NaN']) {
    const analysis = analyzeConfigText(`${HEAD}training: { epochs: ${value} }\n`);
    assert.equal(analysis.config, undefined, value);
    assert.ok(analysis.problems.some((p) => p.severity === 'error' && p.path.join('.') === 'training.epochs'), value);
  }
  const overrides = analyzeConfigText(`${HEAD}sparsity: { overrides: { fc1: .nan } }\n`);
  assert.ok(overrides.problems.some((p) => p.message.includes('finite')));
});

test('a run derived beyond 2^40 steps is an error on the key that makes it so, one just below plans by counting', () => {
  const over = analyzeConfigText('model: resnet50\ndataset: { name: imagenet, path: /data }\ntraining: { batch_size: 1, epochs: 100000, multiplier: 1000 }\n');
  assert.equal(over.config, undefined);
  assert.equal(over.problems.find((p) => p.code === 'out-of-range')?.data?.maxSteps, MAX_TOTAL_STEPS);
  // 1 281 167 steps per epoch × 800 000 epochs = 1.02·10^12 < 2^40; gmp with ΔT = 1 prunes at nearly every step.
  const text = 'model: resnet50\ndataset: { name: imagenet, path: /data }\nsparsity: { method: gmp, update: { delta_t: 1, t_start: 0.5 } }\ntraining: { batch_size: 1, epochs: 100000, multiplier: 8 }\n';
  const config = resolveConfigText(text, 'big.rigl.yaml');
  const plan = buildPlan(config);
  assert.equal(plan.steps.totalSteps, 1281167 * 800000);
  assert.equal(plan.steps.maskUpdates, plan.steps.endStep - Math.floor(0.5 * plan.steps.totalSteps));
  assert.ok(Number.isFinite(plan.totals.trainFlopsFactor) && plan.totals.trainFlopsFactor > 0);
});

test('gmp prune steps are counted exactly as the listed ones, for every small case', () => {
  for (let t0 = 0; t0 < 40; t0 += 3) {
    for (let t1 = 0; t1 < 60; t1 += 7) {
      for (const deltaT of [1, 2, 5, 7, 100]) assert.equal(gmpPruneCount(t0, t1, deltaT), gmpUpdateSteps(t0, t1, deltaT).length, `${t0} ${t1} ${deltaT}`);
    }
  }
});

test('the glob matcher agrees with the regular-expression reading on random patterns, and a dozen * is instant', () => {
  const random = new SeededRandom(11);
  const alphabet = ['a', 'b', '.', '*', '?'];
  const toRegExp = (p: string) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  for (let i = 0; i < 3000; i++) {
    const pattern = Array.from({ length: random.int(7) }, () => alphabet[random.int(5)]).join('');
    const name = Array.from({ length: random.int(7) }, () => alphabet[random.int(3)]).join('');
    assert.equal(globMatches(pattern, name), toRegExp(pattern).test(name), `${pattern} vs ${name}`);
  }
  // The regex engine backtracks exponentially on this one; the matcher answers at once.
  assert.equal(patternMatches(`${'*'.repeat(24)}x`, 'layer1.0.conv1'.repeat(4)), false);
  assert.equal(patternMatches('layer?.*.conv*', 'layer1.0.conv1'), true);
});

test('thousands of overrides and a 200 kB key come back as diagnostics with short messages', () => {
  const overrides = Array.from({ length: 3000 }, (_, i) => `    nolayer${i}: 0.5`).join('\n');
  const many = configDiagnostics(`model: resnet50\ndataset: { name: imagenet, path: /data }\nsparsity:\n  overrides:\n${overrides}\n`, FUZZ_ENV);
  assert.ok(many.length > 0 && many.length <= 202, `${many.length} diagnostics`);
  assert.ok(many.some((d) => d.code === 'override-matches-nothing'));
  const key = 'k'.repeat(200_000);
  const long = configDiagnostics(`${HEAD}${key}: 1\n`, FUZZ_ENV);
  assert.ok(long.some((d) => d.severity === 1));
  for (const d of long) assert.ok(String(d.message).length < 500, `a ${String(d.message).length}-character message`);
  assert.deepEqual(codes('k'.repeat(1_000_001)), ['1:too-large']);
});

test('an alias bomb, an unresolved alias and an alias cycle are YAML diagnostics, and --set loading reports them', () => {
  const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
  for (const text of [`${HEAD}${bomb.join('\n')}\n`, 'model: *nowhere\ndataset: { name: mnist }\n', `x: &x\n  y: *x\n${HEAD}`]) {
    assert.deepEqual(codes(text), ['1:yaml-syntax'], text.slice(0, 40));
    assert.throws(() => resolveConfigText(text, 'a.rigl.yaml', ['training.seed=1']), ConfigError);
  }
  // An alias used twice is a shared value, not a cycle.
  assert.equal(analyzeConfigText('model: lenet-300-100\ndataset: &d { name: mnist }\nsparsity: { overrides: {} }\n').config?.dataset.name, 'mnist');
});

test('a 1,000-deep mapping: the outline stops at the nesting bound, diagnostics and --set answer', () => {
  let text = `${HEAD}sparsity:\n`;
  for (let i = 1; i <= 1000; i++) text += `${' '.repeat(i)}k${i}:\n`;
  text += `${' '.repeat(1001)}leaf: 1\n`;
  let depth = 0;
  const deepest = (symbols: DocumentSymbol[] | undefined, level: number): void => {
    for (const symbol of symbols ?? []) { depth = Math.max(depth, level); deepest(symbol.children, level + 1); }
  };
  deepest(documentSymbols(text), 1);
  assert.equal(depth, MAX_NESTING_DEPTH);
  const [only] = configDiagnostics(text, FUZZ_ENV);
  assert.equal(only.code, 'yaml-syntax');
  assert.match(String(only.message), /nested too deeply/);
  assert.throws(() => resolveConfigText(text, 'deep.rigl.yaml', ['training.seed=1']), ConfigError);
  // 200 levels parse: the analysis reports the first level deeper than any config.
  let shallower = `${HEAD}sparsity:\n`;
  for (let i = 1; i <= 200; i++) shallower += `${' '.repeat(i)}k${i}:\n`;
  assert.ok(codes(shallower).includes('1:invalid-value'));
  assert.throws(() => resolveConfigText(shallower, 'deep.rigl.yaml', ['training.seed=1']), ConfigError);
});

test('a YAML error on a long token quotes a readable piece of it, not the whole token', () => {
  const text = `- model: lenet-300-100\nsparsity:\n  update:\n    t_start: "${'x'.repeat(3000)}"\n`;
  const diagnostics = configDiagnostics(text, FUZZ_ENV);
  assert.ok(diagnostics.length > 0 && diagnostics.every((d) => d.code === 'yaml-syntax'));
  for (const d of diagnostics) assert.ok(String(d.message).length < 300, `a ${String(d.message).length}-character message`);
});
