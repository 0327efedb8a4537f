// `rigl-studio slurm <config>`: creates the run directory (config.yaml, plan.json) on the shared
// filesystem and writes an sbatch script beside it that trains the run with the pytorch engine on
// SLURM nodes (srun + torchrun rendezvous); prints how to submit it. It submits nothing itself.
import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import { writeFileAtomic } from '../rundir/atomic.js';
import { createRun } from '../rundir/start.js';
import { pytorchPackageRoot } from '../runs/engines.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';
import { sbatchScript } from './sbatch.js';

export const SBATCH_FILE = 'slurm.sbatch';

/** `packageRoot`: where rigl_torch/ is (found next to the bundle by default). */
export async function slurmCommand(args: string[], context: CommandContext, packageRoot = pytorchPackageRoot()): Promise<number> {
  const { values, positionals } = parseCommandArgs('slurm', args, {
    set: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: 'runs' },
    nodes: { type: 'string', default: '1' },
    time: { type: 'string' },
    partition: { type: 'string' },
    account: { type: 'string' },
    'cpus-per-task': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('rigl-studio slurm: expected exactly one config file, e.g. rigl-studio slurm examples/imagenet-resnet50-erk-90.rigl.yaml --nodes 2 --set pytorch.processes=8');
  const nodes = positiveInteger('--nodes', values.nodes as string);
  const cpusPerTask = values['cpus-per-task'] !== undefined ? positiveInteger('--cpus-per-task', values['cpus-per-task'] as string) : undefined;
  // A SLURM job trains on the pytorch engine whatever the config says.
  const overrides = [...(values.set as string[]), 'engine=pytorch'];
  const config = loadConfigFile(resolve(context.cwd, positionals[0]), overrides, positionals[0]);
  if (!packageRoot) throw new UsageError('rigl-studio slurm: the pytorch engine\'s Python package (rigl_torch) is missing from this installation');
  const run = await createRun(resolve(context.cwd, values.out as string), config, context.cwd);
  const script = join(run.dir, SBATCH_FILE);
  const ranksPerNode = config.pytorch.processes;
  writeFileAtomic(script, sbatchScript({
    jobName: config.name, runDir: run.dir, packageRoot, python: config.pytorch.python ?? 'python3', nodes,
    processesPerNode: ranksPerNode, gpus: config.pytorch.device !== 'cpu', ...(cpusPerTask ? { cpusPerTask } : {}),
    ...(values.time ? { time: values.time as string } : {}), ...(values.partition ? { partition: values.partition as string } : {}), ...(values.account ? { account: values.account as string } : {}),
  }));
  chmodSync(script, 0o755);
  const world = nodes * ranksPerNode;
  context.stdout.write([
    `run directory: ${run.dir}`,
    `sbatch script: ${script}`,
    `  ${nodes} node${nodes === 1 ? '' : 's'} × ${ranksPerNode} rank${ranksPerNode === 1 ? '' : 's'} (${config.pytorch.device === 'cpu' ? 'CPU, gloo' : 'one GPU each, nccl'}) = ${world} ranks; global batch ${config.training.batch_size}${config.training.batch_size % world !== 0 ? ` — not divisible by ${world}: change training.batch_size or the ranks` : ''}`,
    `  python: ${config.pytorch.python ?? 'python3'} on the nodes (set pytorch.python to choose another)`,
    `submit with: sbatch ${script}`,
    `watch it with: rigl-studio runs ${resolve(context.cwd, values.out as string)}  (or the editor's RigL Runs view on the same folder)`,
    '',
  ].join('\n'));
  return 0;
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${value}: expected a positive whole number`);
  return n;
}
