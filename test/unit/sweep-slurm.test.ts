// SLURM sweeps on a real single-node cluster (scripts/slurm-test-cluster.sh): a 4-task job array
// of short MNIST runs completes and `results` reads it; a task cancelled with scancel shows as killed.
// Skipped, saying why, where SLURM cannot be installed or started; the daemons are always stopped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slurmScript } from '../../server/sweeps/slurm.js';
import type { PreparedSweep } from '../../server/sweeps/prepare.js';

const root = join(__dirname, '..', '..', '..');
const cliPath = join(root, 'bin', 'rigl-studio.js');
const clusterScript = join(root, 'scripts', 'slurm-test-cluster.sh');
const WAIT_LIMIT_MS = 240_000;

const clusterDir = mkdtempSync(join(tmpdir(), 'rigl-slurm-'));
const workDir = mkdtempSync(join(tmpdir(), 'rigl-slurm-work-'));
// Ports of our own, so that a cluster started by someone else on this machine is not disturbed.
const port = 20000 + Math.floor(Math.random() * 20000);
const env = { ...process.env, SLURM_CONF: join(clusterDir, 'slurm.conf'), SLURM_TEST_CTLD_PORT: String(port), SLURM_TEST_SLURMD_PORT: String(port + 1) };
let unavailable: string | undefined;

before(() => {
  const started = spawnSync('bash', [clusterScript, 'start', clusterDir], { env, encoding: 'utf8', timeout: 600_000 });
  if (started.status !== 0) unavailable = `SLURM could not be installed or started here (${(started.stderr || String(started.error ?? '')).trim().split('\n').slice(-3).join(' / ')})`;
});

after(() => {
  spawnSync('bash', [clusterScript, 'stop', clusterDir], { env, encoding: 'utf8', timeout: 60_000 });
  for (const daemon of ['munged', 'slurmctld', 'slurmd']) {
    assert.ok(!existsSync(join(clusterDir, 'run', `${daemon}.pid`)), `${daemon} was stopped`);
  }
  rmSync(clusterDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { cwd: workDir, env, encoding: 'utf8' });
}

/** Polls a condition of the cluster or the disk until it holds (these have no events to wait on). */
async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function taskStates(jobId: string): Map<string, string> {
  const out = spawnSync('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%i %T'], { env, encoding: 'utf8' }).stdout;
  return new Map(out.trim().split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/) as [string, string]));
}

function config(name: string, epochs: number, grid: string): string {
  const file = join(workDir, `${name}.rigl.yaml`);
  writeFileSync(file, `name: ${name}
model: lenet-300-100
dataset: { name: mnist, train_limit: 200 }
sparsity: { method: rigl, sparsity: 0.9, update: { delta_t: 2 } }
training: { epochs: ${epochs}, batch_size: 50, log_every: 2, eval_batch_size: 1000 }
backend: cpu
sweep:
${grid}
`);
  return file;
}

test('the sbatch script: one array task per unfinished run, quoted paths, torchrun for several GPUs', () => {
  const run = (runId: string, engine?: string) => ({ point: { runId }, config: { engine }, action: 'start' });
  const sweep = {
    dir: "/shared/it's here",
    record: { name: 'demo sweep' },
    runs: [run('p0-rigl-s0'), { ...run('p1-set-s0'), action: 'skip-completed' }, run('p2-snfs-s0', 'pytorch')],
  } as unknown as PreparedSweep;
  const { script, tasks } = slurmScript(sweep, { gpusPerRun: 4, partition: 'gpu', time: '12:00', maxParallel: 2, nodePath: '/usr/bin/node', cliPath: '/opt/rigl/dist/cli.js', torchPackageRoot: '/opt/rigl/py' });
  assert.deepEqual(tasks, ['p0-rigl-s0', 'p2-snfs-s0']);
  assert.match(script, /^#SBATCH --array=0-1%2$/m);
  assert.match(script, /^#SBATCH --job-name=demo-sweep$/m);
  assert.match(script, /^#SBATCH --gres=gpu:4$/m);
  assert.match(script, /^#SBATCH --partition=gpu$/m);
  assert.match(script, /^#SBATCH --time=12:00$/m);
  assert.match(script, /^SWEEP_DIR='\/shared\/it'\\''s here'$/m);
  assert.match(script, /^RUNS=\('p0-rigl-s0' 'p2-snfs-s0'\)$/m);
  assert.match(script, /^LAUNCHERS=\(cli torchrun\)$/m);
  assert.match(script, /torchrun --standalone --nproc_per_node=4 -m rigl_torch --run "\$RUN_DIR"/);
  assert.match(script, /^exec '\/usr\/bin\/node' '\/opt\/rigl\/dist\/cli\.js' train --run "\$RUN_DIR"$/m);
  assert.throws(() => slurmScript(sweep, { gpusPerRun: 1, partition: 'gpu; rm -rf /' }), /--partition .*expected a plain name/);
  assert.throws(() => slurmScript(sweep, { gpusPerRun: 1, time: 'soon' }), /--time soon: expected HH:MM/);
});

test('a 4-task job array of short MNIST runs completes on the cluster and results reads it', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const file = config('mnist-array', 1, '  grid: { sparsity.method: [rigl, static] }\n  seeds: [0, 1]');
  const submitted = cli('sweep', file, '--slurm', '--out', 'runs', '--time', '10');
  assert.equal(submitted.status, 0, submitted.stdout + submitted.stderr);
  assert.match(submitted.stdout, /\(4 array tasks\)/);
  const jobId = /submitted: job (\d+)/.exec(submitted.stdout)?.[1];
  assert.ok(jobId, submitted.stdout);
  const sweepDir = join(workDir, 'runs', 'mnist-array-sweep');
  assert.match(readFileSync(join(sweepDir, 'sweep.sbatch'), 'utf8'), /^#SBATCH --array=0-3$/m);
  await waitUntil('the array finished', () => {
    const states = [...taskStates(jobId).values()];
    return states.length === 4 && states.every((s) => !['PENDING', 'RUNNING', 'COMPLETING', 'CONFIGURING'].includes(s));
  });
  const results = cli('results', join('runs', 'mnist-array-sweep'), '--json');
  assert.equal(results.status, 0, results.stderr);
  const json = JSON.parse(results.stdout);
  assert.equal(json.slurmJobId, jobId);
  assert.deepEqual(json.runs.map((r: { state: string }) => r.state), ['completed', 'completed', 'completed', 'completed'],
    JSON.stringify(json.runs) + [0, 1, 2, 3].map((i) => readFileSync(join(sweepDir, 'slurm', `${jobId}_${i}.out`), 'utf8')).join('\n'));
  assert.deepEqual(json.rows.map((r: { label: string; completed: number }) => `${r.label} ${r.completed}`), ['sparsity.method=rigl 2', 'sparsity.method=static 2']);
  assert.ok(json.rows.every((r: { finalTop1: { n: number; mean: number } }) => r.finalTop1.n === 2 && r.finalTop1.mean > 0.1), 'four MNIST steps already beat chance');
  // Submitting the finished sweep again has nothing to do.
  const again = cli('sweep', file, '--slurm', '--out', 'runs');
  assert.match(again.stdout, /\(0 array tasks\)\n.*every run of the sweep is completed/);
});

test('a task cancelled with scancel shows as killed in the results', async (t) => {
  if (unavailable) return t.skip(unavailable);
  const file = config('mnist-cancel', 200, '  grid: { sparsity.method: [rigl] }');
  const submitted = cli('sweep', file, '--slurm', '--out', 'runs');
  assert.equal(submitted.status, 0, submitted.stdout + submitted.stderr);
  const jobId = /submitted: job (\d+)/.exec(submitted.stdout)![1];
  const summaryFile = join(workDir, 'runs', 'mnist-cancel-sweep', 'p0-rigl-s0', 'summary.json');
  await waitUntil('the run trains', () => existsSync(summaryFile) && JSON.parse(readFileSync(summaryFile, 'utf8')).state === 'running');
  // Submitting again while the task runs leaves it alone.
  const again = cli('sweep', file, '--slurm', '--out', 'runs');
  assert.match(again.stdout, /training elsewhere 1\n[^]*\(0 array tasks\)/);
  assert.equal(spawnSync('scancel', [`${jobId}_0`], { env }).status, 0);
  await waitUntil('SLURM reports the task cancelled', () => (taskStates(jobId).get(`${jobId}_0`) ?? '').startsWith('CANCELLED'));
  const json = JSON.parse(cli('results', join('runs', 'mnist-cancel-sweep'), '--json').stdout);
  assert.equal(json.runs[0].state, 'killed');
  assert.match(json.runs[0].detail, new RegExp(`^SLURM task ${jobId}_0: CANCELLED`));
  const text = cli('results', join('runs', 'mnist-cancel-sweep')).stdout;
  assert.match(text, /^p0-rigl-s0\s+killed\s+\d+\/\d+\s+SLURM task \d+_0: CANCELLED/m);
});
