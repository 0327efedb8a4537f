// The sbatch script of `rigl-studio slurm`: one task per node, each a torchrun that starts the
// node's ranks and meets the other nodes at a c10d rendezvous on the first node; every rank runs
// `python -m rigl_torch --run DIR` with WORLD_SIZE set, so it acts as one rank (docs/engines.md).

export interface SbatchOptions {
  jobName: string;
  runDir: string;
  /** The folder holding rigl_torch/ (PYTHONPATH). */
  packageRoot: string;
  python: string;
  nodes: number;
  /** Ranks per node: one per GPU on CUDA. */
  processesPerNode: number;
  gpus: boolean;
  cpusPerTask?: number;
  time?: string;
  partition?: string;
  account?: string;
}

/** A word for a POSIX shell, single-quoted unless it is plainly safe (paths with spaces, quotes, `$`). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\/.:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** #SBATCH values are read by sbatch, not the shell: no newlines may smuggle in another directive. */
function directiveValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`an #SBATCH value may not contain a line break: ${JSON.stringify(value)}`);
  return value;
}

export function sbatchScript(options: SbatchOptions): string {
  const directives = [
    `--job-name=${directiveValue(options.jobName)}`,
    `--nodes=${options.nodes}`,
    '--ntasks-per-node=1',
    ...(options.gpus ? [`--gpus-per-node=${options.processesPerNode}`] : []),
    ...(options.cpusPerTask ? [`--cpus-per-task=${options.cpusPerTask}`] : []),
    ...(options.time ? [`--time=${directiveValue(options.time)}`] : []),
    ...(options.partition ? [`--partition=${directiveValue(options.partition)}`] : []),
    ...(options.account ? [`--account=${directiveValue(options.account)}`] : []),
    `--output=${directiveValue(`${options.runDir}/slurm-%j.out`)}`,
  ];
  const q = shellQuote;
  return [
    '#!/bin/bash',
    `# Written by rigl-studio slurm for the run in ${options.runDir}.`,
    '# Submit with: sbatch <this file>. The editor and `rigl-studio runs` read the run directory as',
    '# it trains (it must be on a filesystem every node and your editor see).',
    ...directives.map((d) => `#SBATCH ${d}`),
    '',
    'set -euo pipefail',
    `export PYTHONPATH=${q(options.packageRoot)}\${PYTHONPATH:+:\$PYTHONPATH}`,
    'export PYTHONUNBUFFERED=1',
    '# The first node hosts the rendezvous; torchrun starts each node\'s ranks and sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT.',
    'RDZV_HOST=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
    'RDZV_PORT=${RDZV_PORT:-29500}',
    [
      'srun --kill-on-bad-exit=1',
      q(options.python), '-m', 'torch.distributed.run',
      '--nnodes="$SLURM_JOB_NUM_NODES"', `--nproc_per_node=${options.processesPerNode}`,
      '--rdzv_backend=c10d', '--rdzv_endpoint="$RDZV_HOST:$RDZV_PORT"', '--rdzv_id="$SLURM_JOB_ID"',
      '-m', 'rigl_torch', '--run', q(options.runDir),
    ].join(' '),
    '',
  ].join('\n');
}
