// The extension's picture of every run: the server's list, updated in place by status and metrics
// notifications (state, step, best accuracy, last loss, speed for the ETA). No vscode import.
import type { EvalEvent, RunListItem, StatusEvent, TrainEvent } from '../../server/protocol.js';
import { isLive } from './run-states.js';

export interface RunRow extends RunListItem {
  message?: string;
  /** Mean training loss of the last train event seen. */
  lastLoss?: number;
}

interface SpeedSample {
  firstTime: number;
  firstStep: number;
  lastTime: number;
  lastStep: number;
}

/** An ETA needs this much training time observed, so the first noisy steps do not set it. */
const MIN_ETA_WINDOW_MS = 2_000;

export class RunTable {
  private readonly rows = new Map<string, RunRow>();
  /** Display order: the server's (newest first), with runs first seen through notifications on top. */
  private order: string[] = [];
  private readonly speed = new Map<string, SpeedSample>();

  /** Replaces the list with the server's; what notifications taught us (loss, speed) is kept. */
  replaceAll(items: readonly RunListItem[]): void {
    const previous = new Map(this.rows);
    this.rows.clear();
    for (const item of items) {
      const old = previous.get(item.runId);
      this.rows.set(item.runId, { ...item, ...(old?.lastLoss !== undefined ? { lastLoss: old.lastLoss } : {}), ...(old?.message ? { message: old.message } : {}) });
    }
    this.order = items.map((item) => item.runId);
    for (const runId of [...this.speed.keys()]) if (!this.rows.has(runId)) this.speed.delete(runId);
  }

  /** Applies a state change; false when the run is unknown (the caller should reload the list). */
  applyStatus(runId: string, event: StatusEvent): boolean {
    const row = this.rows.get(runId);
    if (!row) return false;
    row.state = event.state;
    // Queued and starting events carry step 0 even for a resumed run: keep the step we know.
    if (event.step > 0) row.step = event.step;
    if (event.info) {
      row.totalSteps = event.info.totalSteps;
      row.name = event.info.name || row.name;
    }
    row.updatedAt = event.time;
    if (event.message !== undefined) row.message = event.message;
    else delete row.message;
    // A (re)started trainer measures its speed afresh: resuming restarts the clock.
    if (event.state === 'running' || !isLive(event.state)) this.speed.delete(runId);
    return true;
  }

  /** Applies train/eval events; false when the run is unknown. */
  applyMetrics(runId: string, events: readonly (TrainEvent | EvalEvent)[]): boolean {
    const row = this.rows.get(runId);
    if (!row) return false;
    for (const event of events) {
      // A resumed run repeats steps after its checkpoint, so the step may go backwards.
      row.step = event.step;
      row.updatedAt = Math.max(row.updatedAt, event.time);
      if (event.type === 'train') {
        row.lastLoss = event.loss;
        this.recordSpeed(runId, event.time, event.step);
      } else if (row.bestTop1 === undefined || event.top1 > row.bestTop1) {
        row.bestTop1 = event.top1;
      }
    }
    return true;
  }

  /** Forgets a run (after its folder was deleted). */
  remove(runId: string): void {
    this.rows.delete(runId);
    this.speed.delete(runId);
    this.order = this.order.filter((id) => id !== runId);
  }

  /** Adds a run first seen in a notification before the list could be reloaded. */
  addPlaceholder(item: RunListItem): void {
    if (this.rows.has(item.runId)) return;
    this.rows.set(item.runId, { ...item });
    this.order.unshift(item.runId);
  }

  get(runId: string): RunRow | undefined {
    return this.rows.get(runId);
  }

  all(): RunRow[] {
    return this.order.map((id) => this.rows.get(id)).filter((row): row is RunRow => row !== undefined);
  }

  /** The run the status bar follows: a running one first, else any live one; the most recently updated wins. */
  activeRun(): RunRow | undefined {
    const live = this.all().filter((row) => isLive(row.state));
    const rank = (row: RunRow) => (row.state === 'running' ? 1 : 0);
    return live.sort((a, b) => rank(b) - rank(a) || b.updatedAt - a.updatedAt)[0];
  }

  /** Seconds left at the speed observed since the trainer started, or undefined while unknown. */
  etaSeconds(runId: string): number | undefined {
    const row = this.rows.get(runId);
    const sample = this.speed.get(runId);
    if (!row || !sample || row.totalSteps <= 0) return undefined;
    const elapsed = sample.lastTime - sample.firstTime;
    const steps = sample.lastStep - sample.firstStep;
    if (elapsed < MIN_ETA_WINDOW_MS || steps <= 0) return undefined;
    return (Math.max(0, row.totalSteps - row.step) * elapsed) / steps / 1000;
  }

  private recordSpeed(runId: string, time: number, step: number): void {
    const sample = this.speed.get(runId);
    if (!sample || step < sample.lastStep) {
      this.speed.set(runId, { firstTime: time, firstStep: step, lastTime: time, lastStep: step });
      return;
    }
    sample.lastTime = time;
    sample.lastStep = step;
  }
}
