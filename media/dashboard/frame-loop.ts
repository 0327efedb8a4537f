// Runs the dashboard's redraws on animation frames, at most one per frame, backing off after
// costly ones; tells tests when all requested work is drawn and how long redraws took.

/** How many recent frame durations are kept for the test hook and the benchmark. */
const TIMING_WINDOW = 600;
/**
 * After a redraw that cost c ms the next one waits until IDLE_SHARE·c ms have passed (at most
 * MAX_WAIT_MS): a heavy stream then redraws less often and leaves at least three quarters of the
 * main thread to scrolling, hovering and the slider, while light redraws still run every frame.
 */
const IDLE_SHARE = 3;
const MAX_WAIT_MS = 200;

export class FrameLoop {
  private requested = false;
  private lastEnd = 0;
  /** Cost of the last incremental redraw (rebuilds are one-offs and do not count). */
  private lastCost = 0;
  private idleWaiters: (() => void)[] = [];
  private frameCount = 0;
  private readonly durations: number[] = [];

  /** `work` does one frame's work and says whether it was a one-off rebuild. */
  constructor(private readonly work: () => { rebuilt: boolean }) {}

  /** Asks for a frame; requests made before it runs share it. */
  request(): void {
    if (this.requested) return;
    this.requested = true;
    const wait = Math.min(MAX_WAIT_MS, this.lastEnd + this.lastCost * IDLE_SHARE - performance.now());
    if (wait > 1) setTimeout(() => requestAnimationFrame(() => this.run()), wait);
    else requestAnimationFrame(() => this.run());
  }

  /** Resolves once the requested frame (if any) has run. */
  whenIdle(): Promise<void> {
    return this.requested ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  timings(): { frames: number; frameMs: number[] } {
    return { frames: this.frameCount, frameMs: [...this.durations] };
  }

  private run(): void {
    const started = performance.now();
    let rebuilt = false;
    try {
      rebuilt = this.work().rebuilt;
    } finally {
      this.requested = false;
      this.frameCount++;
      this.lastEnd = performance.now();
      if (!rebuilt) this.lastCost = this.lastEnd - started;
      this.durations.push(this.lastEnd - started);
      if (this.durations.length > TIMING_WINDOW) this.durations.shift();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
