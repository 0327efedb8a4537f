// Coalesces a stream of items per key (per run) into batches delivered at most once per interval,
// so a trainer logging every step cannot flood the editor with notifications.

export type BatchSink<T> = (key: string, items: T[]) => void;

interface PendingBatch<T> {
  items: T[];
  timer?: NodeJS.Timeout;
}

export class KeyedBatcher<T> {
  private readonly pending = new Map<string, PendingBatch<T>>();
  /** When each key last delivered; the first item after a quiet spell goes out without waiting. */
  private readonly lastFlush = new Map<string, number>();

  constructor(
    private readonly sink: BatchSink<T>,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(key: string, item: T): void {
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { items: [] };
      this.pending.set(key, batch);
    }
    batch.items.push(item);
    if (batch.timer) return;
    const wait = Math.max(0, (this.lastFlush.get(key) ?? -Infinity) + this.intervalMs - this.now());
    batch.timer = setTimeout(() => this.flush(key), wait);
  }

  /** Delivers what is pending for the key now (e.g. before a status change, to keep the order). */
  flush(key: string): void {
    const batch = this.pending.get(key);
    if (!batch) return;
    if (batch.timer) clearTimeout(batch.timer);
    this.pending.delete(key);
    this.lastFlush.set(key, this.now());
    this.sink(key, batch.items);
  }

  /** Flushes and forgets the key (its run is over). */
  close(key: string): void {
    this.flush(key);
    this.lastFlush.delete(key);
  }

  closeAll(): void {
    for (const key of [...this.pending.keys()]) this.close(key);
  }
}
