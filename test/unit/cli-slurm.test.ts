// `rigl-studio slurm`: the run directory is created (plan.json, pytorch engine) and an sbatch
// script beside it that a shell parses, with every path quoted, srun + torchrun over the nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { slurmCommand } from '../../server/cli/slurm.js';
import { sbatchScript, shellQuote } from '../../server/cli/sbatch.js';
import type { RunPlan } from '../../server/protocol.js';

const FAKE_PACKAGE = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'fake-pytorch');

test('shellQuote keeps plain words and single-quotes the rest', () => {
  assert.equal(shellQuote('/data/runs/a-1.2'), '/data/runs/a-1.2');
  assert.equal(shellQuote("/data/my runs/it's $HOME"), `'/data/my runs/it'\\''s $HOME'`);
  const echoed = spawnSync('bash', ['-c', `printf %s ${shellQuote("/x y/it's $HOME `ls`")}`], { encoding: 'utf8' });
  assert.equal(echoed.stdout, "/x y/it's $HOME `ls`");
});

test('the script: one task per node, GPUs per node, a c10d rendezvous on the first node, rigl_torch as one rank each; bash parses it', () => {
  const script = sbatchScript({ jobName: 'r50', runDir: "/shared/runs/r50 it's", packageRoot: '/opt/rigl/engines/pytorch', python: '/opt/conda/bin/python', nodes: 4, processesPerNode: 8, gpus: true, time: '48:00:00', partition: 'gpu' });
  for (const line of ['#SBATCH --nodes=4', '#SBATCH --ntasks-per-node=1', '#SBATCH --gpus-per-node=8', '#SBATCH --time=48:00:00', '#SBATCH --partition=gpu']) assert.ok(script.includes(`${line}\n`), line);
  assert.match(script, /srun --kill-on-bad-exit=1 \/opt\/conda\/bin\/python -m torch\.distributed\.run --nnodes="\$SLURM_JOB_NUM_NODES" --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint="\$RDZV_HOST:\$RDZV_PORT" --rdzv_id="\$SLURM_JOB_ID" -m rigl_torch --run '\/shared\/runs\/r50 it'\\''s'/);
  assert.match(script, /export PYTHONPATH=\/opt\/rigl\/engines\/pytorch\$\{PYTHONPATH:\+:\$PYTHONPATH\}/);
  assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0);
  assert.ok(!sbatchScript({ jobName: 'c', runDir: '/r', packageRoot: '/p', python: 'python3', nodes: 1, processesPerNode: 2, gpus: false }).includes('--gpus-per-node'), 'CPU jobs ask for no GPUs');
  assert.throws(() => sbatchScript({ jobName: 'x\n#SBATCH --wrap=evil', runDir: '/r', packageRoot: '/p', python: 'python3', nodes: 1, processesPerNode: 1, gpus: false }), /line break/);
});

test('rigl-studio slurm creates the run (plan.json, engine pytorch) and writes the script beside it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rigl-slurm-'));
  try {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const configPath = join(__dirname, '..', '..', '..', 'examples', 'mnist-lenet300-rigl.rigl.yaml');
    const code = await slurmCommand([configPath, '--nodes', '2', '--out', join(root, 'runs'), '--set', 'pytorch.processes=2', '--set', 'pytorch.device=cpu'], { stdout, stderr: new PassThrough(), cwd: root, isTTY: false }, FAKE_PACKAGE);
    assert.equal(code, 0, out);
    const [runId] = readdirSync(join(root, 'runs'));
    const dir = join(root, 'runs', runId);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as RunPlan;
    assert.equal(plan.config.engine, 'pytorch');
    assert.equal(plan.config.pytorch.processes, 2);
    const script = join(dir, 'slurm.sbatch');
    assert.ok(statSync(script).mode & 0o100, 'executable');
    assert.match(readFileSync(script, 'utf8'), /--nproc_per_node=2 .* -m rigl_torch --run /);
    assert.ok(readFileSync(script, 'utf8').includes(`export PYTHONPATH=${FAKE_PACKAGE}`));
    assert.match(out, new RegExp(`submit with: sbatch ${script.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match(out, /2 nodes × 2 ranks \(CPU, gloo\) = 4 ranks; global batch 100\n/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
