// A sweep's table from its folder: one row per grid point, final and best top-1 as mean ± std over
// seeds, effective sparsity, FLOPs factors (measured where the runs logged them) and the reference.
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { RunState, RunSummary, SweepResultsPayload, SweepRow, SweepRunStatus, SweepStat } from '../protocol.js';
import { RunDirectory, isFinalState } from '../rundir/store.js';
import { resolveDefaults } from '../config/resolve.js';
import { buildPlan } from '../sparse/plan.js';
import { pointLabel } from './grid.js';
import { readSweepRecord, type SweepRecord } from './record.js';

export type Stat = SweepStat;
export type SweepResults = Omit<SweepResultsPayload, 'sweepId'>;
export type { SweepRow, SweepRunStatus };

/** What a scheduler knows about runs the directories cannot tell (pending, cancelled before starting). */
export type ExternalStates = Map<string, { state: RunState; detail: string }>;

export function stat(values: readonly number[]): Stat | undefined {
  if (values.length === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), n: values.length };
}

export function readSweepResults(sweepDir: string, external: ExternalStates = new Map()): SweepResults {
  const record = readSweepRecord(sweepDir);
  const runs: SweepRunStatus[] = [];
  const configs = new Map<number, Record<string, any>>();
  for (const entry of record.runs) {
    const run = new RunDirectory(join(sweepDir, entry.runId), entry.runId);
    const config = readConfig(run);
    if (config && !configs.has(entry.pointIndex)) configs.set(entry.pointIndex, config);
    runs.push(runStatus(run, entry, config, external.get(entry.runId)));
  }
  const rows = [...new Set(record.runs.map((r) => r.pointIndex))].sort((a, b) => a - b).map((pointIndex) => {
    const members = runs.filter((r) => r.pointIndex === pointIndex);
    const done = members.filter((r) => r.state === 'completed');
    const values = record.runs.find((r) => r.pointIndex === pointIndex)!.values;
    const config = configs.get(pointIndex);
    const reference = referenceOf(config);
    const finalTop1 = stat(done.flatMap((r) => (r.finalTop1 === undefined ? [] : [r.finalTop1])));
    const measured = (pick: (r: SweepRunStatus) => number | undefined) => stat(members.flatMap((r) => { const v = pick(r); return v === undefined ? [] : [v]; }))?.mean;
    return {
      pointIndex, values, label: pointLabel(values),
      method: String(config?.sparsity?.method ?? ''),
      targetSparsity: config?.sparsity?.method === 'dense' ? 0 : Number(config?.sparsity?.sparsity ?? 0),
      runs: members.length, completed: done.length,
      finalTop1,
      bestTop1: stat(done.flatMap((r) => (r.bestTop1 === undefined ? [] : [r.bestTop1]))),
      sparsity: stat(done.flatMap((r) => (r.sparsity === undefined ? [] : [r.sparsity]))),
      inferenceFlopsFactor: measured((r) => r.inferenceFlopsFactor),
      trainFlopsFactor: measured((r) => r.trainFlopsFactor),
      ...(reference ? { reference } : {}),
      ...(reference && finalTop1 ? { difference: finalTop1.mean - reference.top1 } : {}),
    } satisfies SweepRow;
  });
  return { name: record.name, dir: sweepDir, axes: record.axes, seeds: record.seeds, rows, runs, ...(record.slurm?.jobs.length ? { slurmJobId: record.slurm.jobs.map((job) => job.jobId).join(', ') } : {}) };
}

function runStatus(run: RunDirectory, entry: SweepRecord['runs'][number], config: Record<string, any> | undefined, external?: { state: RunState; detail: string }): SweepRunStatus {
  const summary: RunSummary | undefined = run.readSummary();
  const item = run.exists() ? run.listItem() : undefined;
  let state: RunState = item?.state ?? 'queued';
  let detail: string | undefined;
  // The directory is the record of a run that reached a final state; before that, the scheduler knows better.
  if (external && !(summary && isFinalState(summary.state) && summary.state === 'completed')) {
    if (!summary || !isFinalState(summary.state) || external.state === 'killed') {
      state = external.state;
      detail = external.detail;
    }
  }
  const { trainFlopsFactor, inferenceFlopsFactor } = flopsFactors(run, config);
  return {
    runId: entry.runId, pointIndex: entry.pointIndex, seed: entry.seed, state, ...(detail ? { detail } : {}),
    step: summary?.step ?? 0, totalSteps: summary?.totalSteps ?? 0,
    finalTop1: summary?.final?.top1, bestTop1: summary?.best?.top1, sparsity: summary?.sparsity.global,
    trainFlopsFactor, inferenceFlopsFactor,
  };
}

/** Measured factors from the last train and mask events; the plan's where the run logged none. */
function flopsFactors(run: RunDirectory, config: Record<string, any> | undefined): { trainFlopsFactor?: number; inferenceFlopsFactor?: number } {
  let trainFlopsFactor: number | undefined;
  let inferenceFlopsFactor: number | undefined;
  for (const event of run.readEvents()) {
    if (event.type === 'train' && event.denseTrainFlops > 0) trainFlopsFactor = event.trainFlops / event.denseTrainFlops;
    if (event.type === 'mask') inferenceFlopsFactor = event.global.inferenceFlopsFactor;
  }
  if ((trainFlopsFactor === undefined || inferenceFlopsFactor === undefined) && config) {
    try {
      const plan = buildPlan(resolveDefaults(config));
      trainFlopsFactor ??= plan.totals.trainFlopsFactor;
      inferenceFlopsFactor ??= plan.totals.inferenceFlopsFactor;
    } catch {
      // no plan for this config: the factors stay unknown
    }
  }
  return { trainFlopsFactor, inferenceFlopsFactor };
}

function readConfig(run: RunDirectory): Record<string, any> | undefined {
  try {
    return parseYaml(run.readConfigText()) as Record<string, any>;
  } catch {
    return undefined;
  }
}

/** The config's `reference: { top1, source }` (published accuracy to compare with), when it has one. */
function referenceOf(config: Record<string, any> | undefined): { top1: number; source?: string } | undefined {
  const reference = config?.reference;
  if (!reference || typeof reference.top1 !== 'number') return undefined;
  return { top1: reference.top1, ...(typeof reference.source === 'string' ? { source: reference.source } : {}) };
}
