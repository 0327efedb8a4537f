// Quick fixes: applied to its fixture, each one removes its diagnostic and leaves a config with
// no errors; the edits keep the YAML's indentation and flow style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { codeActions } from '../../server/config/actions.js';
import { configDiagnostics } from '../../server/config/diagnostics.js';
import { CPU_ONLY_ENV, URI, applyAction, fixture } from './config-test-support.js';

function fixOnce(text: string, code: string): { title: string; fixed: string } {
  const diagnostic = configDiagnostics(text, CPU_ONLY_ENV).find((d) => d.code === code);
  assert.ok(diagnostic, `${code} fires`);
  const actions = codeActions(text, URI, [diagnostic]);
  assert.equal(actions.length, 1, `one quick fix for ${code}`);
  const [action] = actions;
  assert.equal(action.kind, 'quickfix');
  assert.equal(action.isPreferred, true);
  assert.deepEqual(action.diagnostics, [diagnostic]);
  return { title: action.title, fixed: applyAction(text, action) };
}

const FIXES: { fixture: string; code: string; title: string; contains: string }[] = [
  { fixture: 'unknown-key', code: 'unknown-key', title: 'Change to `epochs`', contains: '  epochs: 3\n' },
  { fixture: 'invalid-enum', code: 'invalid-enum', title: 'Change to `rigl`', contains: '  method: rigl\n' },
  { fixture: 'out-of-range', code: 'out-of-range', title: 'Clamp to 0.99', contains: '  sparsity: 0.99\n' },
  { fixture: 'value-capped', code: 'value-capped', title: 'Clamp to 100', contains: '    grad_accumulation: 100\n' },
  { fixture: 'missing-key-root', code: 'missing-key', title: 'Add `dataset: …`', contains: 'model: lenet-300-100\ndataset:\n  name: mnist\n' },
  { fixture: 'missing-key-nested', code: 'missing-key', title: 'Add `name: mnist`', contains: 'dataset:\n  train_limit: 1000\n  name: mnist\n' },
  { fixture: 'dataset-path-required', code: 'dataset-path-required', title: 'Add `path: /path/to/data`', contains: '  name: cifar10\n  path: /path/to/data\n' },
  { fixture: 'ignored-setting', code: 'ignored-setting', title: 'Remove `sparsity.update.alpha`', contains: '    delta_t: 100\n    t_end: 0.8\n' },
  { fixture: 'ignored-setting-flow', code: 'ignored-setting', title: 'Remove `training.lr_schedule.milestones`', contains: 'lr_schedule: { type: cosine, warmup_epochs: 0 }' },
  { fixture: 'ignored-setting-only-child', code: 'ignored-setting', title: 'Remove `sparsity.update.schedule`', contains: 'sparsity:\n  method: gmp\ntraining:\n' },
  { fixture: 'override-matches-nothing', code: 'override-matches-nothing', title: 'Change to `conv1`', contains: '    conv1: 0.5\n' },
  { fixture: 'backend-unavailable', code: 'backend-unavailable', title: 'Use `backend: auto`', contains: 'backend: auto\n' },
  { fixture: 'memory-exceeds-backend', code: 'memory-exceeds-backend', title: 'Set `batch_size: ', contains: '  batch_size: ' },
];

for (const expected of FIXES) {
  test(`"${expected.title}" fixes ${expected.fixture}.rigl.yaml`, () => {
    const { title, fixed } = fixOnce(fixture(expected.fixture), expected.code);
    assert.ok(title.startsWith(expected.title), title);
    assert.ok(fixed.includes(expected.contains), fixed);
    const after = configDiagnostics(fixed, CPU_ONLY_ENV);
    assert.ok(!after.some((d) => d.code === expected.code), `${expected.code} is gone:\n${fixed}`);
    assert.deepEqual(after.filter((d) => d.severity === 1), [], `no errors left:\n${fixed}`);
  });
}

test('a missing key is added inside a flow mapping in flow style', () => {
  const text = 'model: lenet-300-100\ndataset: { train_limit: 10 }\n';
  const { fixed } = fixOnce(text, 'missing-key');
  assert.equal(fixed, 'model: lenet-300-100\ndataset: { name: mnist, train_limit: 10 }\n');
});

test('removing the last entry of a flow mapping takes the comma before it; a file without a final newline stays valid', () => {
  const text = 'model: lenet-300-100\ndataset:\n  name: mnist\nsparsity:\n  method: set\n  update: { delta_t: 50, ema_decay: 0.5 }';
  const { fixed } = fixOnce(text, 'ignored-setting');
  assert.equal(fixed, 'model: lenet-300-100\ndataset:\n  name: mnist\nsparsity:\n  method: set\n  update: { delta_t: 50 }');
  const root = 'dataset:\n  name: mnist';
  assert.equal(fixOnce(root, 'missing-key').fixed, 'dataset:\n  name: mnist\nmodel: lenet-300-100\n');
});

test('fixes read only the diagnostic: no data, no fix; a diagnostic from another source is left alone', () => {
  const text = fixture('unknown-key');
  const [diagnostic] = configDiagnostics(text, CPU_ONLY_ENV);
  const withoutData: Diagnostic = { ...diagnostic, data: undefined };
  assert.deepEqual(codeActions(text, URI, [withoutData]), []);
  assert.deepEqual(codeActions(text, URI, [{ ...diagnostic, code: 'something-else' }]), []);
  // The fix uses the range it is given, not a fresh analysis of the text.
  const elsewhere = { ...diagnostic, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } } };
  assert.equal(applyAction(text, codeActions(text, URI, [elsewhere])[0]).slice(0, 7), 'epochs:');
});

test('no quick fix is offered where there is no safe edit', () => {
  for (const name of ['wrong-type', 'yaml-syntax', 'model-input-mismatch', 'no-mask-update', 'dataset-path-missing']) {
    const text = fixture(name);
    assert.deepEqual(codeActions(text, URI, configDiagnostics(text, CPU_ONLY_ENV)), [], name);
  }
});

test('edits keep a CRLF file\'s line endings', () => {
  const text = 'model: lenet-300-100\r\ndataset:\r\n  train_limit: 3\r\n';
  assert.equal(fixOnce(text, 'missing-key').fixed, 'model: lenet-300-100\r\ndataset:\r\n  train_limit: 3\r\n  name: mnist\r\n');
  const gmp = 'model: lenet-300-100\r\ndataset:\r\n  name: mnist\r\nsparsity:\r\n  method: gmp\r\n  update:\r\n    alpha: 0.3\r\n    t_end: 0.5\r\n';
  assert.equal(fixOnce(gmp, 'ignored-setting').fixed, gmp.replace('    alpha: 0.3\r\n', ''));
});
