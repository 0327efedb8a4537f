// sweep.json: what a sweep folder holds (the grid, one entry per run, the base config and, for a
// SLURM sweep, the job). Written atomically; runs' own state stays in their run directories.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../rundir/atomic.js';
import { SWEEP_FILE } from '../rundir/store.js';
import type { SweepGrid } from './grid.js';

export const SWEEP_FORMAT = 'rigl-studio-sweep/1';

export interface SweepRunEntry {
  runId: string;
  pointIndex: number;
  values: Record<string, unknown>;
  seed: number;
}

export interface SlurmJob {
  /** The array job's id (`sbatch --parsable`). */
  jobId: string;
  submittedAt: number;
  /** Array index → run id (the script's order). */
  tasks: string[];
}

export interface SlurmSubmissions {
  /** The latest sbatch script written. */
  script: string;
  /** Every job submitted for the sweep, oldest first: a run's state comes from the latest job that has it. */
  jobs: SlurmJob[];
}

export interface SweepRecord {
  format: typeof SWEEP_FORMAT;
  name: string;
  configFile?: string;
  createdAt: number;
  updatedAt: number;
  axes: SweepGrid['axes'];
  seeds: number[];
  runs: SweepRunEntry[];
  slurm?: SlurmSubmissions;
}

export function sweepFile(sweepDir: string): string {
  return join(sweepDir, SWEEP_FILE);
}

export function readSweepRecord(sweepDir: string): SweepRecord {
  let text: string;
  try {
    text = readFileSync(sweepFile(sweepDir), 'utf8');
  } catch {
    throw new Error(`${sweepDir}: not a sweep folder (no ${SWEEP_FILE})`);
  }
  const record = JSON.parse(text) as SweepRecord;
  if (record.format !== SWEEP_FORMAT) throw new Error(`${sweepFile(sweepDir)}: unknown format ${JSON.stringify(record.format)} (expected ${SWEEP_FORMAT})`);
  return record;
}

export function writeSweepRecord(sweepDir: string, record: SweepRecord): void {
  writeFileAtomic(sweepFile(sweepDir), JSON.stringify(record, null, 2) + '\n');
}
