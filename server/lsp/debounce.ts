// Per-document debouncing of validation: a burst of edits to one document costs one run of the
// checks, ~150 ms after the last keystroke; other documents are not held up.

export class PerKeyDebouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly run: (key: string) => void, private readonly delayMs: number) {}

  /** Runs after the delay, restarting it if already pending; `now` runs on the next turn instead. */
  schedule(key: string, now = false): void {
    this.cancel(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.run(key);
    }, now ? 0 : this.delayMs));
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
