// `rigl-studio train`, `runs` and `resume` as a user runs them: exit codes, the final report, a
// SIGINT that finishes the step and checkpoints (exit 130, state stopped), and resuming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = join(__dirname, '..', '..', '..');
const cliPath = join(root, 'bin', 'rigl-studio.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8' });

function tinyConfig(dir: string, epochs: number): string {
  const file = join(dir, 'tiny.rigl.yaml');
  writeFileSync(file, `name: tiny
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 512 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 10 } }
training: { epochs: ${epochs}, batch_size: 16, log_every: 8, optimizer: { lr: 0.02 } }
reference: { top1: 0.5, source: a made-up figure }
backend: cpu
`);
  return file;
}

test('train runs to completion, reports, and runs lists it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-cli-train-'));
  const out = join(dir, 'runs');
  const result = cli('train', tinyConfig(dir, 1), '--out', out, '--max-steps', '12');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^completed: completed 12 of 32 planned steps \(--max-steps\)$/m);
  assert.match(result.stdout, /test top-1 \d+\.\d\d%/);
  const [runId] = readdirSync(out);
  assert.ok(existsSync(join(out, runId, 'checkpoints', 'latest.json')));
  const listing = cli('runs', out);
  assert.match(listing.stdout, new RegExp(`^${runId}\\s+completed\\s+12/32\\s+\\d+\\.\\d\\d%\\s+50\\.00% \\([+−]\\d+\\.\\d\\d\\)`, 'm'), 'the reference beside the best top-1, and the gap in points');
  assert.equal(JSON.parse(cli('runs', out, '--json').stdout)[0].referenceTop1, 0.5);
  assert.equal(cli('train', tinyConfig(dir, 1), '--max-steps', 'lots').status, 2);
});

test('SIGINT finishes the step, checkpoints and exits 130; resume completes the run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-cli-train-'));
  const out = join(dir, 'runs');
  const child = spawn(process.execPath, [cliPath, 'train', tinyConfig(dir, 200), '--out', out], { cwd: root });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const interrupted = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      // Interrupt once training has started (the run header names its backend).
      if (/^backend: /m.test(stdout) && !child.killed) { child.kill('SIGINT'); resolve(); }
    });
  });
  const exitCode = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await interrupted;
  assert.equal(await exitCode, 130);
  assert.match(stdout, /^stopped: stopped at step \d+: SIGINT$/m);
  const runDir = join(out, readdirSync(out)[0]);
  assert.match(stdout, new RegExp(`continue with: rigl-studio resume ${runDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok(existsSync(join(runDir, 'checkpoints', 'latest.json')), 'a checkpoint was written on stop');
  const stoppedAt = Number(/stopped at step (\d+)/.exec(stdout)![1]);
  const resumed = cli('resume', runDir, '--max-steps', String(stoppedAt + 5));
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`completed ${stoppedAt + 5} of 6400 planned steps`));
});
