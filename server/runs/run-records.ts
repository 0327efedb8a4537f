// The states the run manager decides itself (queued, stopped from the queue, killed, crashed),
// written to the run directory as a status event and a summary, in the trainer's formats.
import type { RiglConfig } from '../config/types.js';
import type { RunState, RunSummary, StatusEvent } from '../protocol.js';
import { isFinalState } from '../rundir/lifecycle.js';
import type { RunDirectory } from '../rundir/store.js';

/** Where a run stands when the manager records a state for it. */
export interface RunProgress {
  runId: string;
  config: RiglConfig;
  step: number;
  epoch: number;
  totalSteps: number;
}

export function statusEventOf(progress: RunProgress, state: RunState, message: string): StatusEvent {
  return { type: 'status', step: progress.step, epoch: progress.epoch, time: Date.now(), state, message };
}

/** Appends the status event and writes the summary; returns the event to announce. */
export function recordState(run: RunDirectory, progress: RunProgress, state: RunState, message: string): StatusEvent {
  const event = statusEventOf(progress, state, message);
  try {
    run.appendEvent(event);
    run.writeSummary(summaryWith(run, progress, state, message));
  } catch {
    // The directory is gone (deleted by the user); the notification still tells the editor.
  }
  return event;
}

/** The trainer's summary with a new state, or a first one for a run not started yet. */
function summaryWith(run: RunDirectory, progress: RunProgress, state: RunState, message: string): RunSummary {
  const now = Date.now();
  const existing = run.readSummary();
  // A final state has no owner; a queued run is this server's: if it dies, listings see the owner gone.
  const owner = isFinalState(state) ? {} : { pid: process.pid };
  if (existing) {
    // The trainer's pid goes: the process it named is not running this run any more (or never did).
    const { pid: _pid, ...rest } = existing;
    return { ...rest, state, message, updatedAt: now, ...owner };
  }
  const { config } = progress;
  return {
    runId: progress.runId, name: config.name, state, message, model: config.model, method: config.sparsity.method, backend: '',
    step: progress.step, totalSteps: progress.totalSteps, epoch: progress.epoch, startedAt: now, updatedAt: now, ...owner,
    sparsity: { global: config.sparsity.method === 'dense' ? 0 : config.sparsity.sparsity, layers: [] },
  };
}
