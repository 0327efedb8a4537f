// Every diagnostic code fires on its minimal fixture at the exact range with its severity, and
// nothing fires on the shipped examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configDiagnostics, configProblems } from '../../server/config/diagnostics.js';
import { toOffsets } from '../../server/config/lsp-range.js';
import type { ProblemCode } from '../../server/config/problems.js';
import { CPU_ONLY_ENV, examples, fixture } from './config-test-support.js';

interface Expectation {
  fixture: string;
  code: ProblemCode;
  severity: 'error' | 'warning';
  /** The text the diagnostic's range covers. */
  slice: string;
}

const EXPECTATIONS: Expectation[] = [
  { fixture: 'yaml-syntax', code: 'yaml-syntax', severity: 'error', slice: 'd' },
  { fixture: 'unknown-key', code: 'unknown-key', severity: 'error', slice: 'epocs' },
  { fixture: 'missing-key-root', code: 'missing-key', severity: 'error', slice: '' },
  { fixture: 'missing-key-nested', code: 'missing-key', severity: 'error', slice: 'dataset' },
  { fixture: 'wrong-type', code: 'wrong-type', severity: 'error', slice: 'five' },
  { fixture: 'out-of-range', code: 'out-of-range', severity: 'error', slice: '1.2' },
  { fixture: 'invalid-enum', code: 'invalid-enum', severity: 'error', slice: 'rigll' },
  { fixture: 'invalid-value', code: 'invalid-value', severity: 'error', slice: '""' },
  { fixture: 'dataset-path-required', code: 'dataset-path-required', severity: 'error', slice: 'dataset' },
  { fixture: 'dataset-path-missing', code: 'dataset-path-missing', severity: 'warning', slice: '/data/missing-cifar-10' },
  { fixture: 'model-input-mismatch', code: 'model-input-mismatch', severity: 'error', slice: 'resnet50' },
  { fixture: 'no-mask-update', code: 'no-mask-update', severity: 'warning', slice: '500' },
  { fixture: 'value-capped', code: 'value-capped', severity: 'warning', slice: '200' },
  { fixture: 'ignored-setting', code: 'ignored-setting', severity: 'warning', slice: 'alpha' },
  { fixture: 'ignored-setting-flow', code: 'ignored-setting', severity: 'warning', slice: 'milestones' },
  { fixture: 'ignored-setting-only-child', code: 'ignored-setting', severity: 'warning', slice: 'schedule' },
  { fixture: 'override-matches-nothing', code: 'override-matches-nothing', severity: 'warning', slice: 'conv_1' },
  { fixture: 'backend-unavailable', code: 'backend-unavailable', severity: 'warning', slice: 'webgpu' },
  { fixture: 'memory-exceeds-backend', code: 'memory-exceeds-backend', severity: 'warning', slice: '256' },
];

for (const expected of EXPECTATIONS) {
  test(`${expected.code} fires on ${expected.fixture}.rigl.yaml at \`${expected.slice.split('\n')[0]}\`, and nothing else does`, () => {
    const text = fixture(expected.fixture);
    const diagnostics = configDiagnostics(text, CPU_ONLY_ENV);
    assert.deepEqual(diagnostics.map((d) => d.code), [expected.code], JSON.stringify(diagnostics, null, 1));
    const [diagnostic] = diagnostics;
    assert.equal(text.slice(...toOffsets(text, diagnostic.range)), expected.slice);
    assert.equal(diagnostic.severity, expected.severity === 'error' ? 1 : 2);
    assert.equal(diagnostic.source, 'rigl');
    assert.ok(typeof diagnostic.message === 'string' && diagnostic.message.length > 10);
    assert.equal(typeof diagnostic.data, 'object', 'every diagnostic carries data for quick fixes');
  });
}

test('not-a-mapping covers the whole document', () => {
  const text = fixture('not-a-mapping');
  const [problem, ...rest] = configProblems(text, CPU_ONLY_ENV);
  assert.equal(rest.length, 0);
  assert.equal(problem.code, 'not-a-mapping');
  assert.deepEqual(problem.range, [0, text.length]);
});

test('the shipped examples have no diagnostics where their datasets exist, with or without a backend probe', () => {
  const datasets = new Set(['/data/imagenet', '/data/cifar-10-batches-bin']);
  const withData = { fileExists: (path: string) => datasets.has(path) };
  const withGpu = { ...withData, backends: CPU_ONLY_ENV.backends!.map((b) => ({ ...b, available: true })) };
  const list = examples();
  assert.ok(list.length >= 6);
  for (const { file, text } of list) {
    assert.deepEqual(configDiagnostics(text, withData), [], file);
    assert.deepEqual(configDiagnostics(text, withGpu), [], `${file} (GPU backends available)`);
  }
});

test('the data carries what the quick fixes need', () => {
  const data = (name: string) => configDiagnostics(fixture(name), CPU_ONLY_ENV)[0].data;
  assert.deepEqual(data('dataset-path-required'), { path: ['dataset'], key: 'path', insert: '/path/to/data' });
  assert.deepEqual(data('ignored-setting'), { path: ['sparsity', 'update', 'alpha'] });
  assert.deepEqual(data('override-matches-nothing'), { path: ['sparsity', 'overrides', 'conv_1'], pattern: 'conv_1', suggestion: 'conv1' });
  assert.equal((data('out-of-range') as { clampTo: number }).clampTo, 0.99);
  assert.equal((data('unknown-key') as { suggestion: string }).suggestion, 'epochs');
  assert.equal((data('invalid-enum') as { suggestion: string }).suggestion, 'rigl');
});

test('ignored settings follow the method, the schedule and the dataset', () => {
  const base = 'model: lenet-300-100\ndataset:\n  name: mnist\n';
  const ignored = (text: string) => configProblems(base + text, CPU_ONLY_ENV).filter((p) => p.code === 'ignored-setting').map((p) => p.path.join('.'));
  assert.deepEqual(ignored('sparsity:\n  method: dense\n  sparsity: 0.8\n  update: { delta_t: 10 }\n'), ['sparsity.sparsity', 'sparsity.update'], 'dense: every sparsity key but method, children not repeated');
  assert.deepEqual(ignored('sparsity:\n  method: static\n  update: { delta_t: 10 }\n'), ['sparsity.update']);
  assert.deepEqual(ignored('sparsity:\n  method: rigl\n  update: { t_start: 0.1, ema_decay: 0.9, grad_accumulation: 2 }\n'), ['sparsity.update.t_start', 'sparsity.update.ema_decay']);
  assert.deepEqual(ignored('sparsity:\n  method: snfs\n  update: { ema_decay: 0.9, grad_accumulation: 2 }\n'), ['sparsity.update.grad_accumulation']);
  assert.deepEqual(ignored('sparsity:\n  method: gmp\n  update: { t_start: 0.1, t_end: 0.5 }\n'), []);
  assert.deepEqual(ignored('sparsity:\n  distribution: uniform\n  erk_power: 0.5\n'), ['sparsity.erk_power']);
  assert.deepEqual(ignored('sparsity:\n  distribution: er\n  erk_power: 0.5\n'), ['sparsity.erk_power'], 'ER ignores the power (the official code)');
  assert.deepEqual(ignored('sparsity:\n  distribution: erk\n  erk_power: 0.5\n'), []);
  assert.deepEqual(ignored('training:\n  lr_schedule: { type: step, milestones: [3], gamma: 0.5 }\n'), []);
  assert.deepEqual(ignored('training:\n  lr_schedule: { type: constant, gamma: 0.5 }\n'), ['training.lr_schedule.gamma']);
  assert.deepEqual(ignored('engine: pytorch\nbackend: webgpu\npytorch: { device: cpu }\n'), ['backend'], 'backend picks a tfjs backend');
  assert.deepEqual(ignored('backend: wasm\npytorch: { device: cpu }\n'), ['pytorch'], 'the tfjs engine reads no pytorch settings');
  assert.deepEqual(ignored('engine: pytorch\npytorch: { sync_bn: true }\n'), ['pytorch.sync_bn'], 'one process: nothing to synchronise');
  assert.deepEqual(ignored('engine: pytorch\npytorch: { processes: 2, device: cpu, sync_bn: true }\n'), ['pytorch.sync_bn'], 'SyncBatchNorm is CUDA-only');
  assert.deepEqual(ignored('engine: pytorch\npytorch: { processes: 2, device: cuda, sync_bn: true }\n'), []);
  assert.deepEqual(ignored('engine: pytorch\npytorch: { processes: 2, sync_bn: false }\n'), []);
});

test('the memory check reads the backend probe: auto warns only when no GPU backend loads', () => {
  const text = fixture('memory-exceeds-backend').replace('backend: wasm', 'backend: auto');
  const codes = (env: Parameters<typeof configProblems>[1]) => configProblems(text, env).map((p) => p.code);
  assert.deepEqual(codes(CPU_ONLY_ENV), ['memory-exceeds-backend']);
  assert.deepEqual(codes({ fileExists: () => true }), [], 'no probe: nothing is known about auto');
  const gpu = CPU_ONLY_ENV.backends!.map((b) => (b.name === 'webgpu' ? { ...b, available: true } : b));
  assert.deepEqual(codes({ fileExists: () => true, backends: gpu }), []);
  const [problem] = configProblems(text, CPU_ONLY_ENV);
  assert.match(problem.message, /about \d+\.\d GiB at batch 256/);
  // batch × Σ layer outputs × 4 bytes × 3, within the estimate's own rounding.
  const gib = Number(/about (\d+\.\d) GiB/.exec(problem.message)![1]);
  assert.ok(gib > 4 && gib < 100, `${gib} GiB`);
});

test('backend checks are skipped without a probe, and fashion-mnist\'s default folder is checked', () => {
  const webgpu = fixture('backend-unavailable');
  assert.deepEqual(configProblems(webgpu, { fileExists: () => true }), []);
  const [problem] = configProblems(webgpu, CPU_ONLY_ENV);
  assert.match(problem.message, /no Vulkan driver/);
  const fashion = 'model: lenet-300-100\ndataset:\n  name: fashion-mnist\n';
  const missing = configProblems(fashion, { fileExists: () => false });
  assert.deepEqual(missing.map((p) => p.code), ['dataset-path-missing']);
  assert.equal(fashion.slice(...missing[0].range), 'fashion-mnist');
  assert.match(missing[0].message, /\/usr\/share\/datasets\/fashion-mnist/);
});

test('schema errors and every semantic check whose inputs are valid are reported at once, in document order', () => {
  const text = 'model: resnet50\ndataset:\n  name: mnist\ntraining:\n  epocs: 3\n';
  assert.deepEqual(configProblems(text, CPU_ONLY_ENV).map((p) => p.code), ['model-input-mismatch', 'unknown-key']);
  // An invalid value holds back only the checks that read it: the plan-based no-mask-update
  // reads epochs, the dataset and backend checks do not.
  const mixed = 'model: lenet-300-100\ndataset:\n  name: cifar10\nsparsity:\n  method: gmp\n  update: { alpha: 0.2 }\ntraining:\n  epochs: -1\nbackend: webgpu\n';
  assert.deepEqual(configProblems(mixed, CPU_ONLY_ENV).map((p) => p.code), ['dataset-path-required', 'ignored-setting', 'out-of-range', 'backend-unavailable']);
  // A value with a schema error is not also reported as ignored.
  const bad = 'model: lenet-300-100\ndataset:\n  name: mnist\nsparsity:\n  method: gmp\n  update: { alpha: 7 }\n';
  assert.deepEqual(configProblems(bad, CPU_ONLY_ENV).map((p) => p.code), ['out-of-range']);
  // A missing required key: checks reading it wait, the others run.
  assert.deepEqual(configProblems('dataset:\n  name: cifar10\nbackend: webgpu\n', CPU_ONLY_ENV).map((p) => p.code), ['missing-key', 'dataset-path-required', 'backend-unavailable']);
  const two = 'model: resnet50\ndataset:\n  name: cifar10\nbackend: webgpu\n';
  assert.deepEqual(configProblems(two, CPU_ONLY_ENV).map((p) => p.code), ['dataset-path-required', 'backend-unavailable']);
});
