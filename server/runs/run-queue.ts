// Which runs train now and which wait: the concurrency limit (rigl.maxConcurrentRuns) and the FIFO
// of waiting runs. Bookkeeping by run id only; the run manager starts what it is handed.

export class RunQueue {
  private readonly training = new Set<string>();
  private readonly waiting: string[] = [];
  private limit: number;

  constructor(limit: number | undefined) {
    this.limit = sanitizeLimit(limit);
  }

  get maxConcurrent(): number {
    return this.limit;
  }

  counts(): { running: number; queued: number } {
    return { running: this.training.size, queued: this.waiting.length };
  }

  hasFreeSlot(): boolean {
    return this.training.size < this.limit;
  }

  /** The run trains now: it holds a slot until `release`. */
  occupy(runId: string): void {
    this.training.add(runId);
  }

  /** The run waits at the end of the queue; returns how many wait now. */
  enqueue(runId: string): number {
    this.waiting.push(runId);
    return this.waiting.length;
  }

  /** A waiting run leaves the queue without starting; false if it was not waiting. */
  remove(runId: string): boolean {
    const position = this.waiting.indexOf(runId);
    if (position < 0) return false;
    this.waiting.splice(position, 1);
    return true;
  }

  /** The run's slot is free again; returns the waiting runs that take free slots now, in order. */
  release(runId: string): string[] {
    this.training.delete(runId);
    return this.admitWaiting();
  }

  /** A new limit; runs that train are never stopped. Returns the waiting runs that may start now. */
  setLimit(limit: number | undefined): string[] {
    this.limit = sanitizeLimit(limit);
    return this.admitWaiting();
  }

  /** Empties the queue (the server shuts down): the runs that were waiting, in order. */
  drain(): string[] {
    return this.waiting.splice(0);
  }

  private admitWaiting(): string[] {
    const admitted: string[] = [];
    while (this.waiting.length > 0 && this.hasFreeSlot()) {
      const runId = this.waiting.shift()!;
      this.training.add(runId);
      admitted.push(runId);
    }
    return admitted;
  }
}

/** At least one run at a time; anything not a finite number ≥ 1 means the default, 1. */
function sanitizeLimit(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}
