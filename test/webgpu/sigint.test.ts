// Stopping a webgpu run with SIGINT is as safe as on wasm: 10 of 10 interrupted CLI runs finish
// the step, write a checkpoint, record state `stopped` and exit 130 (never a crash such as 139).
// Half the tries deliver the signal twice at once, as one Ctrl-C under `npx` does (the terminal
// signals the process group and npm forwards a copy): that used to take the quit-now path and
// exit with Dawn's work in flight, a segfault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, unwatchFile, watchFile, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { swiftshaderEnv, useSwiftshader } from './swiftshader.js';

const skip = useSwiftshader();
const root = join(__dirname, '..', '..', '..');
const cliPath = join(root, 'bin', 'rigl-studio.js');
const TRIES = 10;

function config(dir: string): string {
  const file = join(dir, 'stop.rigl.yaml');
  writeFileSync(file, `name: stop
model: lenet-300-100
dataset: { name: synthetic, synthetic_size: 512, image_size: 8 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 2 } }
training: { epochs: 50, batch_size: 8, log_every: 1, optimizer: { lr: 0.02 } }
backend: webgpu
`);
  return file;
}

/** Resolves once the run's events file holds `count` train events (it is written before each is reported). */
function trainEvents(eventsFile: string, count: number): Promise<void> {
  const reached = () => existsSync(eventsFile) && readFileSync(eventsFile, 'utf8').split('\n').filter((line) => line.includes('"type":"train"')).length >= count;
  return new Promise((resolve) => {
    if (reached()) return resolve();
    watchFile(eventsFile, { interval: 50 }, () => {
      if (!reached()) return;
      unwatchFile(eventsFile);
      resolve();
    });
  });
}

async function interruptOnce(attempt: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rigl-webgpu-sigint-'));
  const out = join(dir, 'runs');
  const child = spawn(process.execPath, [cliPath, 'train', config(dir), '--out', out], { cwd: root, env: { ...process.env, ...swiftshaderEnv() } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => { stderr += chunk; });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const runDir = await new Promise<string>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /^run directory: (.+)$/m.exec(stdout);
      if (match && /^backend: /m.test(stdout)) resolve(match[1]);
    });
  });
  // Interrupt at different points: as the first step starts, and after 1 or 2 steps (a mask update at 2).
  await trainEvents(join(runDir, 'events.jsonl'), attempt % 3);
  child.kill('SIGINT');
  if (attempt % 2 === 1) child.kill('SIGINT');
  const { code, signal } = await exit;
  const detail = `try ${attempt + 1}: exit ${code} ${signal ?? ''}\n${stdout}\n${stderr}`;
  assert.equal(code, 130, detail);
  assert.match(stdout, /^stopped: stopped at step \d+: SIGINT$/m, detail);
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { state: string; backend: string; step: number };
  assert.equal(summary.state, 'stopped', detail);
  assert.equal(summary.backend, 'webgpu');
  const latest = JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest.json'), 'utf8')) as { file: string; step: number };
  assert.equal(latest.step, summary.step, 'the checkpoint is of the step the run stopped at');
  assert.ok(existsSync(join(runDir, 'checkpoints', latest.file)), detail);
}

test(`SIGINT during webgpu training: checkpoint and state stopped in ${TRIES} of ${TRIES} tries`, { skip }, async () => {
  for (let attempt = 0; attempt < TRIES; attempt++) await interruptOnce(attempt);
});
