// `rigl-studio train` and `rigl-studio resume`: headless training (tfjs in this process, pytorch in
// its engine process through the run seam), with progress,
// graceful SIGINT/SIGTERM (finish the step, checkpoint, state `stopped`), and a final report.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import type { RunEvent, RunSummary } from '../protocol.js';
import { trainInEngineProcess } from './engine-process.js';
import { createRun, openRunForResume } from '../rundir/start.js';
import { RunDirectory } from '../rundir/store.js';
import { StopSignal, train } from '../train/trainer.js';
import { releaseBackend } from '../train/backend.js';
import { parseCommandArgs, UsageError, type CommandContext } from './args.js';
import { percent } from './format.js';
import { formatDuration, TrainingProgress } from './progress.js';

export async function trainCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('train', args, {
    set: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: 'runs' },
    'max-steps': { type: 'string' },
    run: { type: 'string' },
  });
  if (values.run !== undefined) return trainRunDirectory(values.run as string, positionals, values['max-steps'], context);
  if (positionals.length !== 1) throw new UsageError('rigl-studio train: expected exactly one config file, e.g. rigl-studio train examples/mnist-lenet300-rigl.rigl.yaml');
  const maxSteps = parseMaxSteps(values['max-steps']);
  const config = loadConfigFile(resolve(context.cwd, positionals[0]), values.set as string[], positionals[0]);
  const run = await createRun(resolve(context.cwd, values.out as string), config, context.cwd);
  return trainWithProgress(run, config, false, maxSteps, context);
}

export async function resumeCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('resume', args, { 'max-steps': { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('rigl-studio resume: expected one run directory, e.g. rigl-studio resume runs/mnist-lenet300-rigl-20261124-101500-ab12');
  const { run, config, summary } = await openRunForResume(resolve(context.cwd, positionals[0]), context.cwd);
  const maxSteps = parseMaxSteps(values['max-steps']);
  const done = summary?.step ?? 0;
  // --max-steps counts all steps of the run; one at or below the checkpoint would train nothing.
  if (maxSteps !== undefined && maxSteps <= done) throw new UsageError(`--max-steps ${maxSteps}: the run is already at step ${done}; give a larger total`);
  return trainWithProgress(run, config, true, maxSteps, context);
}

/** `train --run DIR`: a run directory made beforehand (a sweep's run, a SLURM array task); a completed one has nothing to do. */
async function trainRunDirectory(dir: string, positionals: string[], maxStepsText: string | boolean | undefined, context: CommandContext): Promise<number> {
  if (positionals.length > 0) throw new UsageError('rigl-studio train --run DIR: the run directory holds its config; give no config file');
  const run = new RunDirectory(resolve(context.cwd, dir));
  if (run.readSummary()?.state === 'completed') {
    context.stdout.write(`${run.dir}: already completed; nothing to train\n`);
    return 0;
  }
  const { config } = await openRunForResume(run.dir, context.cwd);
  const hasCheckpoint = existsSync(join(run.path('checkpoints'), 'latest.json'));
  return trainWithProgress(run, config, hasCheckpoint, parseMaxSteps(maxStepsText), context);
}

function parseMaxSteps(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--max-steps ${String(value)}: expected a positive whole number of steps`);
  return n;
}

/** Signals closer together than this are one keypress delivered twice (see onSignal). */
const SAME_KEYPRESS_MS = 1000;

async function trainWithProgress(run: RunDirectory, config: RiglConfig, resume: boolean, maxSteps: number | undefined, context: CommandContext): Promise<number> {
  const stop = new StopSignal();
  const progress = new TrainingProgress(context.stdout, context.isTTY, maxSteps);
  let firstSignalAt: number | undefined;
  let quitting = false;
  let killEngine: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      // One Ctrl-C under `npx` arrives twice: the terminal signals the whole process group and
      // npm forwards its own copy. Only a later one is the user's second Ctrl-C.
      if (Date.now() - firstSignalAt < SAME_KEYPRESS_MS || quitting) return;
      // A second Ctrl-C means now (the last checkpoint stays), but never exit with GPU work in
      // flight: Dawn torn down mid-command-buffer crashed the process (exit 139).
      quitting = true;
      killEngine?.();
      void releaseBackend().finally(() => process.exit(130));
      return;
    }
    firstSignalAt = Date.now();
    stop.request(signal);
    progress.finish();
    context.stderr.write(`\n${signal}: finishing the current step and writing a checkpoint (press Ctrl-C again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const began = Date.now();
  context.stdout.write(`run directory: ${run.dir}\n`);
  let summary: RunSummary;
  try {
    const onEvent = (event: RunEvent) => progress.event(event);
    // tfjs trains in this process; the pytorch engine in its own, through the same seam as the editor's runs.
    summary = config.engine === 'pytorch'
      ? await trainInEngineProcess({ run, config, resume, maxSteps, cwd: context.cwd, onEvent, stop, setKill: (kill) => { killEngine = kill; } })
      : await train({ run, resume, maxSteps, stop, onEvent });
  } finally {
    // The GPU finishes its work and the device goes before the process exits (see backend.ts).
    await releaseBackend();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.finish();
  }
  const final = summary.final?.top1 !== undefined ? `test top-1 ${percent(summary.final.top1, 2)}${summary.final.top5 !== undefined ? `, top-5 ${percent(summary.final.top5, 2)}` : ''}` : 'no evaluation yet';
  const trained = summary.step > 0;
  context.stdout.write([
    `${summary.state}: ${summary.message ?? ''}`,
    // A run that failed before its first step has no metrics to report, only why.
    trained ? `  ${final}; best top-1 ${summary.best ? percent(summary.best.top1, 2) + ` at step ${summary.best.step}` : '—'}` : '',
    trained ? `  sparsity ${percent(summary.sparsity.global, 2)}, ${summary.step} steps on ${summary.backend} in ${formatDuration((Date.now() - began) / 1000)}` : '',
    `  run directory: ${run.dir}`,
    summary.state === 'stopped' ? `  continue with: rigl-studio resume ${run.dir}` : '',
  ].filter(Boolean).join('\n') + '\n');
  return summary.state === 'failed' ? 1 : summary.state === 'stopped' ? 130 : 0;
}
