// `rigl-studio validate` end to end through the built CLI: one `file:line:col: severity code
// message` line per diagnostic, exit 1 on errors, 0 on warnings only, 2 for unreadable files.
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

test('a valid config prints nothing and exits 0', () => {
  const result = cli('validate', 'examples/mnist-lenet300-rigl.rigl.yaml');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /0 errors, 0 warnings in 1 file/);
});

test('errors and warnings of several files, one line each, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-validate-'));
  const bad = join(dir, 'bad.rigl.yaml');
  writeFileSync(bad, 'model: resnet20\ndataset:\n  name: cifar10\ntraining:\n  epocs: 3\n');
  const warn = join(dir, 'warn.rigl.yaml');
  writeFileSync(warn, 'model: lenet-300-100\ndataset:\n  name: mnist\n  path: ./no-such-folder\n');
  const result = cli('validate', bad, warn);
  assert.equal(result.status, 1);
  assert.deepEqual(result.stdout.trimEnd().split('\n'), [
    `${bad}:2:1: error dataset-path-required cifar10 has no bundled copy: set dataset.path to the folder that holds it.`,
    `${bad}:5:3: error unknown-key Unknown key \`epocs\` in training. Did you mean \`epochs\`?`,
    `${warn}:4:9: warning dataset-path-missing dataset.path \`./no-such-folder\` does not exist here; the run will fail when it opens the data.`,
  ]);
  assert.match(result.stderr, /2 errors, 1 warning in 2 files/);
});

test('warnings only exit 0; a semantic error exits 1; a missing file exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-validate-'));
  const warn = join(dir, 'gmp.rigl.yaml');
  writeFileSync(warn, 'model: lenet-300-100\ndataset:\n  name: mnist\nsparsity:\n  method: gmp\n  update: { alpha: 0.3 }\n');
  const warned = cli('validate', warn);
  assert.equal(warned.status, 0);
  assert.match(warned.stdout, /^.*gmp\.rigl\.yaml:6:13: warning ignored-setting `sparsity\.update\.alpha` is ignored/);
  const mismatch = join(dir, 'mismatch.rigl.yaml');
  writeFileSync(mismatch, 'model: resnet50\ndataset:\n  name: mnist\n');
  const failed = cli('validate', mismatch);
  assert.equal(failed.status, 1);
  assert.match(failed.stdout, /mismatch\.rigl\.yaml:1:8: error model-input-mismatch resnet50 needs inputs of at least 32×32 pixels/);
  const missing = cli('validate', join(dir, 'nope.rigl.yaml'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.rigl\.yaml: does not exist/);
  assert.equal(cli('validate').status, 2, 'no file given');
});
