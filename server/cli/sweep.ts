// `rigl-studio sweep <config>`: check the grid, make the sweep folder, then train its unfinished
// runs here through the run manager's queue, or write (and submit) one SLURM job array.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readConfigFile } from '../config/load.js';
import type { StatusEvent } from '../protocol.js';
import { RunManager } from '../runs/manager.js';
import { isFinalState } from '../rundir/store.js';
import { openSweep } from '../sweeps/open.js';
import type { PreparedSweep } from '../sweeps/prepare.js';
import { submitLocal } from '../sweeps/local.js';
import { submitSlurm, type SlurmOptions } from '../sweeps/slurm.js';
import { readSweepResults } from '../sweeps/results.js';
import { resultsTable } from '../sweeps/table.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';
import { percent, table } from './format.js';

export async function sweepCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('sweep', args, {
    grid: { type: 'string', multiple: true, default: [] },
    seeds: { type: 'string' },
    out: { type: 'string', default: 'runs' },
    parallel: { type: 'string' },
    'max-steps': { type: 'string' },
    slurm: { type: 'boolean', default: false },
    partition: { type: 'string' },
    'gpus-per-run': { type: 'string', default: '0' },
    time: { type: 'string' },
    'cpus-per-run': { type: 'string' },
    mem: { type: 'string' },
    account: { type: 'string' },
    'max-parallel': { type: 'string' },
    'no-submit': { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw new UsageError('rigl-studio sweep: expected exactly one config file, e.g. rigl-studio sweep examples/sweeps/mnist-lenet300-methods.rigl.yaml');
  const file = positionals[0];
  const text = readConfigFile(resolve(context.cwd, file), file);
  const sweep = await openSweep(text, {
    file, configPath: resolve(context.cwd, file), runsRoot: resolve(context.cwd, values.out as string), cwd: context.cwd,
    grid: values.grid as string[], seeds: values.seeds as string | undefined,
    env: { fileExists: (path) => existsSync(resolve(context.cwd, path)) },
  });
  const sweepDir = sweep.dir;
  const seeds = sweep.record.seeds.length;
  const counts = countActions(sweep);
  context.stdout.write(`sweep ${sweep.record.name}: ${sweep.runs.length} runs (${sweep.runs.length / seeds} grid points × ${seeds} seeds) in ${sweepDir}\n`);
  context.stdout.write(`  to start ${counts.start}, to resume ${counts.resume}, completed ${counts['skip-completed']}, training elsewhere ${counts['skip-live']}\n`);
  if (values.slurm) return slurmSweep(sweep, values, context);
  return localSweep(sweep, values, context);
}

function countActions(sweep: PreparedSweep): Record<PreparedSweep['runs'][number]['action'], number> {
  const counts = { start: 0, resume: 0, 'skip-completed': 0, 'skip-live': 0 };
  for (const run of sweep.runs) counts[run.action]++;
  return counts;
}

function positiveInteger(flag: string, value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${String(value)}: expected a positive whole number`);
  return n;
}

async function localSweep(sweep: PreparedSweep, values: Record<string, unknown>, context: CommandContext): Promise<number> {
  const parallel = positiveInteger('--parallel', values.parallel as string | undefined) ?? 1;
  const maxSteps = positiveInteger('--max-steps', values['max-steps'] as string | undefined);
  const pending = new Set<string>();
  let finished = 0;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolveDone) => { allDone = resolveDone; });
  const onStatus = (runId: string, event: StatusEvent) => {
    if (!isFinalState(event.state) || !pending.delete(runId)) return;
    finished++;
    const summary = manager.history(runId).summary;
    const top1 = summary?.final?.top1 !== undefined ? `  top-1 ${percent(summary.final.top1, 2)}` : '';
    context.stdout.write(`[${finished}/${finished + pending.size}] ${runId} ${event.state}${top1}${event.state === 'completed' ? '' : `: ${event.message ?? ''}`}\n`);
    if (pending.size === 0) allDone();
  };
  const manager = new RunManager(
    { runsRoot: resolve(sweep.dir, '..'), maxConcurrentRuns: parallel, cwd: context.cwd },
    { onStatus, onMetrics: () => undefined, onMask: () => undefined },
  );
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    context.stderr.write('\nstopping the sweep: running runs finish their step and checkpoint; run the same command again to continue\n');
    void manager.shutdown(30_000);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const submission = await submitLocal(manager, sweep, { maxSteps });
    for (const id of submission.started) pending.add(id);
    if (pending.size > 0) await done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await manager.shutdown(5_000);
  }
  const results = readSweepResults(sweep.dir);
  const { header, rows } = resultsTable(results);
  context.stdout.write(`\n${table(header, rows)}\n`);
  context.stdout.write(`results: rigl-studio results ${sweep.dir}\n`);
  const incomplete = results.runs.filter((run) => run.state !== 'completed').length;
  if (interrupted) return 130;
  return incomplete === 0 ? 0 : 1;
}

function slurmSweep(sweep: PreparedSweep, values: Record<string, unknown>, context: CommandContext): number {
  const options: SlurmOptions = {
    partition: values.partition as string | undefined,
    gpusPerRun: Number(values['gpus-per-run']),
    time: values.time as string | undefined,
    cpusPerRun: positiveInteger('--cpus-per-run', values['cpus-per-run'] as string | undefined),
    mem: values.mem as string | undefined,
    account: values.account as string | undefined,
    maxParallel: positiveInteger('--max-parallel', values['max-parallel'] as string | undefined),
  };
  let submission;
  try {
    submission = submitSlurm(sweep, options, !values['no-submit']);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  context.stdout.write(`sbatch script: ${submission.scriptPath} (${submission.tasks.length} array tasks)\n`);
  if (submission.jobId) context.stdout.write(`submitted: job ${submission.jobId}; state: rigl-studio results ${sweep.dir}\n`);
  else context.stdout.write(`${submission.notSubmitted}${submission.tasks.length > 0 ? `; submit it with: sbatch ${submission.scriptPath}` : ''}\n`);
  return 0;
}
