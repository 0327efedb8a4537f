// The PyTorch engine's Python unit tests (server/engines/pytorch/tests: a RigL update against an
// independent numpy computation, exact mask counts, gmp pruning), run with Debian's python3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ENGINE_PATH, PYTHON } from './engine-process.js';

test('pytorch engine: python -m unittest passes', () => {
  const result = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
    cwd: ENGINE_PATH, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 120_000,
  });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stderr, /Ran [1-9]\d* tests?/);
});
