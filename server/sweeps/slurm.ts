// A sweep as one SLURM job array: the sbatch script (one array task per unfinished run), its
// submission when sbatch is on PATH, and the tasks' scheduler states from squeue/sacct.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunState } from '../protocol.js';
import { writeFileAtomic } from '../rundir/atomic.js';
import { pytorchPackageRoot } from '../runs/engines.js';
import type { ExternalStates } from './results.js';
import type { PreparedSweep } from './prepare.js';
import { readSweepRecord, writeSweepRecord } from './record.js';

export const SLURM_SCRIPT = 'sweep.sbatch';
export const SLURM_LOG_FOLDER = 'slurm';

export interface SlurmOptions {
  partition?: string;
  /** GPUs each run gets; a PyTorch run with more than one trains under torchrun, one rank per GPU. */
  gpusPerRun: number;
  /** Wall-clock limit per run, HH:MM (or anything sbatch's --time takes). */
  time?: string;
  cpusPerRun?: number;
  /** Memory per run as sbatch's --mem takes it (16G). */
  mem?: string;
  account?: string;
  /** At most this many tasks at once (the array's %N). */
  maxParallel?: number;
  /** The node binary and the CLI bundle the tasks run; default: the ones running now. */
  nodePath?: string;
  cliPath?: string;
  /** Folder holding the rigl_torch package (PYTHONPATH of torchrun tasks). */
  torchPackageRoot?: string;
}

/** A single-quoted shell word: the only quoting that needs no further escapes but for `'`. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const TIME_PATTERN = /^(\d+-)?\d{1,3}(:\d{2}){0,2}$/;
const SBATCH_VALUE = /^[A-Za-z0-9_.,:@%+=-]+$/;

/** Checks the options a user typed; the values end up in #SBATCH lines, so they must be plain words. */
export function checkSlurmOptions(options: SlurmOptions): void {
  if (!Number.isInteger(options.gpusPerRun) || options.gpusPerRun < 0) throw new Error(`--gpus-per-run ${options.gpusPerRun}: expected a whole number ≥ 0`);
  if (options.time !== undefined && !TIME_PATTERN.test(options.time)) throw new Error(`--time ${options.time}: expected HH:MM, MM, or D-HH:MM:SS`);
  for (const [flag, value] of [['--partition', options.partition], ['--mem', options.mem], ['--account', options.account]] as const) {
    if (value !== undefined && !SBATCH_VALUE.test(value)) throw new Error(`${flag} ${value}: expected a plain name (letters, digits, . _ - , :)`);
  }
  for (const [flag, value] of [['--cpus-per-run', options.cpusPerRun], ['--max-parallel', options.maxParallel]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`${flag} ${value}: expected a whole number ≥ 1`);
  }
}

/** The sbatch script for the sweep's unfinished runs; `tasks[i]` is the run id of array index i. */
export function slurmScript(sweep: PreparedSweep, options: SlurmOptions): { script: string; tasks: string[] } {
  checkSlurmOptions(options);
  const todo = sweep.runs.filter((run) => run.action === 'start' || run.action === 'resume');
  const tasks = todo.map((run) => run.point.runId);
  const nodePath = options.nodePath ?? process.execPath;
  const cliPath = options.cliPath ?? join(__dirname, 'cli.js');
  const torchRoot = options.torchPackageRoot ?? pytorchPackageRoot() ?? join(__dirname, '..', 'server', 'engines', 'pytorch');
  const header = [
    '#!/bin/bash',
    `# RigL Studio sweep ${sweep.record.name}: one array task per run (${tasks.length}). Written by \`rigl-studio sweep --slurm\`;`,
    '# each task trains the run directory named below; re-running the sweep writes a new script for the runs not yet completed.',
    `#SBATCH --job-name=${sbatchName(sweep.record.name)}`,
    `#SBATCH --array=0-${Math.max(0, tasks.length - 1)}${options.maxParallel ? `%${options.maxParallel}` : ''}`,
    `#SBATCH --output=${join(sweep.dir, SLURM_LOG_FOLDER)}/%A_%a.out`,
    '#SBATCH --ntasks=1',
    options.partition ? `#SBATCH --partition=${options.partition}` : '',
    options.account ? `#SBATCH --account=${options.account}` : '',
    options.time ? `#SBATCH --time=${options.time}` : '',
    options.gpusPerRun > 0 ? `#SBATCH --gres=gpu:${options.gpusPerRun}` : '',
    options.cpusPerRun ? `#SBATCH --cpus-per-task=${options.cpusPerRun}` : '',
    options.mem ? `#SBATCH --mem=${options.mem}` : '',
  ].filter(Boolean);
  // Per task: the run id and how it trains (torchrun for a PyTorch run on several GPUs, else the CLI).
  const launchers = todo.map((run) => (usesTorchrun(run.config, options.gpusPerRun) ? 'torchrun' : 'cli'));
  const body = [
    'set -euo pipefail',
    `SWEEP_DIR=${shellWord(sweep.dir)}`,
    `RUNS=(${tasks.map(shellWord).join(' ')})`,
    `LAUNCHERS=(${launchers.join(' ')})`,
    'RUN_DIR="$SWEEP_DIR/${RUNS[$SLURM_ARRAY_TASK_ID]}"',
    'echo "rigl-studio sweep task $SLURM_ARRAY_TASK_ID: $RUN_DIR on $(hostname)"',
    'if [ "${LAUNCHERS[$SLURM_ARRAY_TASK_ID]}" = torchrun ]; then',
    '  RESUME=()',
    '  if [ -f "$RUN_DIR/checkpoints/latest.json" ]; then RESUME=(--resume); fi',
    `  export PYTHONPATH=${shellWord(torchRoot)}\${PYTHONPATH:+:$PYTHONPATH}`,
    `  exec torchrun --standalone --nproc_per_node=${options.gpusPerRun} -m rigl_torch --run "$RUN_DIR" "\${RESUME[@]}"`,
    'fi',
    // `train --run` continues from the checkpoint when there is one and exits 0 for a completed run.
    `exec ${shellWord(nodePath)} ${shellWord(cliPath)} train --run "$RUN_DIR"`,
  ];
  return { script: [...header, '', ...body, ''].join('\n'), tasks };
}

function usesTorchrun(config: unknown, gpusPerRun: number): boolean {
  return (config as { engine?: string }).engine === 'pytorch' && gpusPerRun > 1;
}

function sbatchName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60) || 'rigl-sweep';
}

export interface SlurmSubmission {
  scriptPath: string;
  tasks: string[];
  /** Present when sbatch accepted the job. */
  jobId?: string;
  /** Why it was not submitted (no sbatch on PATH, nothing to do, --no-submit). */
  notSubmitted?: string;
}

/** Writes the script into the sweep folder and submits it unless told not to or sbatch is missing. */
export function submitSlurm(sweep: PreparedSweep, options: SlurmOptions, submit = true): SlurmSubmission {
  const { script, tasks } = slurmScript(sweep, options);
  const scriptPath = join(sweep.dir, SLURM_SCRIPT);
  mkdirSync(join(sweep.dir, SLURM_LOG_FOLDER), { recursive: true });
  writeFileAtomic(scriptPath, script);
  let result: SlurmSubmission = { scriptPath, tasks };
  if (tasks.length === 0) result = { ...result, notSubmitted: 'every run of the sweep is completed or training' };
  else if (!submit) result = { ...result, notSubmitted: 'not submitted (--no-submit)' };
  else {
    const sbatch = spawnSync('sbatch', ['--parsable', scriptPath], { cwd: sweep.dir, encoding: 'utf8' });
    if (sbatch.error && (sbatch.error as NodeJS.ErrnoException).code === 'ENOENT') result = { ...result, notSubmitted: 'sbatch is not on PATH' };
    else if (sbatch.status !== 0) throw new Error(`sbatch ${scriptPath} failed (exit ${sbatch.status}): ${(sbatch.stderr || sbatch.stdout || String(sbatch.error ?? '')).trim()}`);
    else {
      // --parsable prints `jobid` or `jobid;cluster`.
      const jobId = sbatch.stdout.trim().split(';')[0];
      result = { ...result, jobId };
    }
  }
  // Earlier jobs stay recorded: their tasks may still be pending or running.
  const record = readSweepRecord(sweep.dir);
  const jobs = [...(record.slurm?.jobs ?? []), ...(result.jobId ? [{ jobId: result.jobId, submittedAt: Date.now(), tasks }] : [])];
  writeSweepRecord(sweep.dir, { ...record, slurm: { script: scriptPath, jobs }, updatedAt: Date.now() });
  return result;
}

/** SLURM job states → run states, for tasks the run directory cannot speak for. */
export function runStateOfSlurm(slurmState: string): { state: RunState; final: boolean } | undefined {
  const state = slurmState.split(/\s/)[0].toUpperCase();
  if (['PENDING', 'CONFIGURING', 'REQUEUED', 'RESIZING', 'SUSPENDED'].includes(state)) return { state: 'queued', final: false };
  if (['RUNNING', 'COMPLETING', 'STAGE_OUT', 'SIGNALING'].includes(state)) return { state: 'running', final: false };
  if (state.startsWith('CANCELLED') || ['TIMEOUT', 'PREEMPTED', 'DEADLINE', 'REVOKED'].includes(state)) return { state: 'killed', final: true };
  if (['FAILED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL'].includes(state)) return { state: 'failed', final: true };
  if (state === 'COMPLETED') return { state: 'completed', final: true };
  return undefined;
}

/** The scheduler's word on each task of the sweep's jobs: squeue first (it holds recent jobs), sacct for older ones. */
export function slurmStates(sweepDir: string): ExternalStates {
  const states: ExternalStates = new Map();
  // Oldest job first: a run submitted again takes the state of its latest task.
  for (const job of readSweepRecord(sweepDir).slurm?.jobs ?? []) {
    const byIndex = new Map<number, string>();
    const squeue = spawnSync('squeue', ['-h', '-r', '-t', 'all', '-j', job.jobId, '-o', '%i|%T|%r'], { encoding: 'utf8' });
    if (squeue.status === 0) readTaskLines(squeue.stdout, job.jobId, byIndex);
    if (byIndex.size < job.tasks.length) {
      // sacct answers only where accounting storage is configured; otherwise squeue is all there is.
      const sacct = spawnSync('sacct', ['-n', '-P', '-X', '-j', job.jobId, '-o', 'JobID,State,Reason'], { encoding: 'utf8' });
      if (sacct.status === 0) {
        const known = new Map<number, string>();
        readTaskLines(sacct.stdout, job.jobId, known);
        for (const [index, line] of known) if (!byIndex.has(index)) byIndex.set(index, line);
      }
    }
    for (const [index, slurmState] of byIndex) {
      const runId = job.tasks[index];
      const mapped = runStateOfSlurm(slurmState);
      if (!runId || !mapped) continue;
      // A task that ended well but left the run short of a final state failed (results.ts keeps a completed run completed).
      const state = mapped.state === 'completed' ? 'failed' : mapped.state;
      states.set(runId, { state, detail: `SLURM task ${job.jobId}_${index}: ${slurmState}` });
    }
  }
  return states;
}

/** Lines `jobid_index|STATE|reason` (squeue -r, sacct -P) into index → `STATE (reason)`. */
function readTaskLines(text: string, jobId: string, into: Map<number, string>): void {
  for (const line of text.split('\n')) {
    const [id, state, reason] = line.trim().split('|');
    const match = new RegExp(`^${jobId}_(\\d+)$`).exec(id ?? '');
    if (!match || !state) continue;
    into.set(Number(match[1]), reason && reason !== 'None' ? `${state} (${reason})` : state);
  }
}
