// Running a prepared sweep on this machine through the run manager's queue (rigl.maxConcurrentRuns):
// each unfinished run is started or resumed by its id `sweep/run`; completed and live runs are left alone.
import { relative, sep } from 'node:path';
import type { RunManager } from '../runs/manager.js';
import type { PreparedSweep } from './prepare.js';

export interface LocalSubmission {
  /** Manager ids (`sweep/run`) of the runs queued or started now, in grid order. */
  started: string[];
  /** Runs left alone: already completed, or training elsewhere. */
  skipped: { runId: string; why: 'completed' | 'live' }[];
}

/** The manager id of a sweep's run: the sweep folder must sit directly under the manager's runs root. */
export function managerRunId(manager: RunManager, sweepDir: string, runId: string): string {
  const folder = relative(manager.runsRoot, sweepDir);
  if (!folder || folder.startsWith('..') || folder.includes(sep)) throw new Error(`the sweep folder ${sweepDir} is not directly under the runs folder ${manager.runsRoot}`);
  return `${folder}/${runId}`;
}

export async function submitLocal(manager: RunManager, sweep: PreparedSweep, options: { maxSteps?: number } = {}): Promise<LocalSubmission> {
  const submission: LocalSubmission = { started: [], skipped: [] };
  for (const run of sweep.runs) {
    if (run.action === 'skip-completed' || run.action === 'skip-live') {
      submission.skipped.push({ runId: run.point.runId, why: run.action === 'skip-completed' ? 'completed' : 'live' });
      continue;
    }
    const id = managerRunId(manager, sweep.dir, run.point.runId);
    // resume() starts a run that has no checkpoint from step 0 and one that has from its checkpoint.
    await manager.resume(id, { maxSteps: options.maxSteps });
    submission.started.push(id);
  }
  return submission;
}
