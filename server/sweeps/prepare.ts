// Making (or re-opening) a sweep folder: one run directory per grid point and seed with its
// resolved config, sweep.json, and what each run needs now (start, resume, nothing).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { ConfigError, resolveConfigText } from '../config/load.js';
import type { RiglConfig } from '../config/types.js';
import type { RunState } from '../protocol.js';
import { createRun } from '../rundir/start.js';
import { RunDirectory, newRunId } from '../rundir/store.js';
import { expandGrid, pointConfig, pointLabel, type SweepGrid, type SweepPoint } from './grid.js';
import { SWEEP_FORMAT, readSweepRecord, sweepFile, writeSweepRecord, type SweepRecord } from './record.js';
import type { ExternalStates } from './results.js';

/** What a run of the sweep needs: train from the start, continue from its checkpoint, or nothing. */
export type RunAction = 'start' | 'resume' | 'skip-completed' | 'skip-live';

export interface PreparedRun {
  point: SweepPoint;
  config: RiglConfig;
  dir: string;
  state?: RunState;
  action: RunAction;
}

export interface PreparedSweep {
  dir: string;
  record: SweepRecord;
  runs: PreparedRun[];
}

/** The folder name of a config's sweep under a runs root: re-running the same config finds it again. */
export function sweepFolderName(baseName: string): string {
  // newRunId's sanitizing without its time stamp: the folder must be the same on every run.
  return `${newRunId(baseName).replace(/-\d{8}-\d{6}-[0-9a-f]{4}$/, '')}-sweep`;
}

/**
 * Creates the run directories that do not exist yet and writes sweep.json. An existing run whose
 * resolved config differs from the grid's (the base config was edited) is an error, not a guess.
 */
export async function prepareSweep(sweepDir: string, raw: Record<string, unknown>, grid: SweepGrid, configFile?: string, external: ExternalStates = new Map(), cwd?: string): Promise<PreparedSweep> {
  const points = expandGrid(grid);
  const baseName = typeof raw.name === 'string' ? raw.name : undefined;
  const resolved = points.map((point) => {
    const config = pointConfig(raw, point);
    // Every run gets its own name; the grid wins if it sets `name` itself.
    if (!('name' in point.values)) config.name = `${baseName ?? 'sweep'}-${point.runId}`;
    return resolveConfigText(stringify(config), `${configFile ?? 'sweep'} (grid point ${pointLabel(point.values)}, seed ${point.seed})`);
  });
  mkdirSync(sweepDir, { recursive: true });
  const runs: PreparedRun[] = [];
  for (const [i, point] of points.entries()) {
    const config = resolved[i];
    const dir = join(sweepDir, point.runId);
    const existing = new RunDirectory(dir, point.runId);
    if (!existing.exists()) {
      // config.yaml and plan.json, as for any run; the dataset is opened once per run here.
      await createRun(sweepDir, config, cwd, point.runId);
      runs.push({ point, config, dir, action: 'start' });
      continue;
    }
    assertSameConfig(existing, config);
    const item = existing.listItem();
    const state = item?.state;
    const hasCheckpoint = existsSync(join(existing.path('checkpoints'), 'latest.json'));
    let action: RunAction;
    // A scheduler's pending or running task is live even where its trainer's pid means nothing here (another node).
    const scheduled = external.get(point.runId)?.state;
    if (state === 'completed') action = 'skip-completed';
    else if (state === 'starting' || state === 'running' || state === 'stopping' || scheduled === 'queued' || scheduled === 'running') action = 'skip-live';
    else action = hasCheckpoint ? 'resume' : 'start';
    runs.push({ point, config, dir, state, action });
  }
  const now = Date.now();
  const previous = existsSync(sweepFile(sweepDir)) ? readSweepRecord(sweepDir) : undefined;
  const record: SweepRecord = {
    format: SWEEP_FORMAT,
    name: baseName ?? 'sweep',
    ...(configFile ? { configFile } : {}),
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    axes: grid.axes,
    seeds: grid.seeds,
    runs: points.map((p) => ({ runId: p.runId, pointIndex: p.pointIndex, values: p.values, seed: p.seed })),
    ...(previous?.slurm ? { slurm: previous.slurm } : {}),
  };
  writeSweepRecord(sweepDir, record);
  return { dir: sweepDir, record, runs };
}

function assertSameConfig(run: RunDirectory, expected: RiglConfig): void {
  const onDisk = parseYaml(run.readConfigText()) as Record<string, unknown>;
  const difference = firstDifference(onDisk, expected as unknown as Record<string, unknown>);
  if (difference === undefined) return;
  throw new ConfigError(`${run.dir}: this run was made from a different config (${difference}); give the sweep another --out folder, or delete the run to train it anew`);
}

function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : `${path}: ${JSON.stringify(a)} on disk, ${JSON.stringify(b)} now`;
}
