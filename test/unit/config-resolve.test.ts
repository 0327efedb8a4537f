// Schema-level config analysis: defaults, unknown keys with suggestions, ranges and enums with
// exact offsets, and --set overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeConfigText } from '../../server/config/resolve.js';
import { applyOverrides, resolveConfigText, ConfigError } from '../../server/config/load.js';

const minimal = 'model: lenet-300-100\ndataset:\n  name: mnist\n';

test('a minimal config resolves with every default filled', () => {
  const { config, problems } = analyzeConfigText(minimal);
  assert.deepEqual(problems, []);
  assert.ok(config);
  assert.equal(config.sparsity.method, 'rigl');
  assert.equal(config.sparsity.distribution, 'erk');
  assert.equal(config.sparsity.dense_first_layer, false, 'erk keeps the first layer in the budget');
  assert.equal(config.sparsity.update.delta_t, 100);
  assert.equal(config.sparsity.update.t_end, 0.75);
  assert.equal(config.training.optimizer.nesterov, true);
  assert.equal(config.name, 'lenet-300-100-mnist-rigl');
});

test('uniform keeps the first layer dense unless told otherwise', () => {
  const { config } = analyzeConfigText(minimal + 'sparsity:\n  distribution: uniform\n');
  assert.equal(config?.sparsity.dense_first_layer, true);
  const explicit = analyzeConfigText(minimal + 'sparsity:\n  distribution: uniform\n  dense_first_layer: false\n');
  assert.equal(explicit.config?.sparsity.dense_first_layer, false);
});

test('an unknown key is reported at the key with the nearest valid key', () => {
  const text = minimal + 'sparsity:\n  sparsty: 0.9\n';
  const { problems, config } = analyzeConfigText(text);
  assert.equal(config, undefined);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].code, 'unknown-key');
  assert.equal(problems[0].data?.suggestion, 'sparsity');
  assert.equal(text.slice(...problems[0].range), 'sparsty');
});

test('a value out of range is reported at the value with a clamp target inside the range', () => {
  const text = minimal + 'sparsity:\n  sparsity: 1.2\n';
  const [problem] = analyzeConfigText(text).problems;
  assert.equal(problem.code, 'out-of-range');
  assert.equal(text.slice(...problem.range), '1.2');
  assert.ok((problem.data?.clampTo as number) < 1);
});

test('an invalid enum value lists the valid ones and suggests the nearest', () => {
  const text = 'model: resnet5O\ndataset:\n  name: mnist\n';
  const [problem] = analyzeConfigText(text).problems;
  assert.equal(problem.code, 'invalid-enum');
  assert.equal(problem.data?.suggestion, 'resnet50');
  assert.equal(text.slice(...problem.range), 'resnet5O');
});

test('a YAML syntax error is reported with its position and no config', () => {
  const text = 'model: [lenet\ndataset: {';
  const analysis = analyzeConfigText(text);
  assert.equal(analysis.config, undefined);
  assert.ok(analysis.problems.length >= 1);
  assert.equal(analysis.problems[0].code, 'yaml-syntax');
});

test('a missing required key is reported', () => {
  const { problems } = analyzeConfigText('model: resnet50\n');
  assert.equal(problems[0].code, 'missing-key');
  assert.equal(problems[0].data?.key, 'dataset');
});

test('--set overrides parse values as YAML and can be rejected with file:line:col', () => {
  const text = applyOverrides(minimal, ['sparsity.sparsity=0.8', 'training.lr_schedule.milestones=[30, 70, 90]']);
  const config = resolveConfigText(text, 'x.rigl.yaml');
  assert.equal(config.sparsity.sparsity, 0.8);
  assert.deepEqual(config.training.lr_schedule.milestones, [30, 70, 90]);
  assert.throws(() => resolveConfigText(minimal, 'x.rigl.yaml', ['training.epochs=-1']), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^x\.rigl\.yaml \(with --set overrides\):\d+:\d+: error out-of-range/);
    return true;
  });
  assert.throws(() => applyOverrides(minimal, ['nonsense']), /expected key\.path=value/);
});
