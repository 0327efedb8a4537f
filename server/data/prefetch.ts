// An in-order prefetch queue: keeps up to `depth` items in preparation while the consumer works
// on the current one, so a training step waits on decoding only when decoding is the bottleneck.

export const DEFAULT_PREFETCH_DEPTH = 3;

/**
 * Yields produce(0), …, produce(count - 1) in order, starting the next ones before handing out
 * the current one. Stopping early (break) abandons what is in flight; its errors are swallowed.
 */
export async function* prefetchInOrder<T>(count: number, produce: (index: number) => Promise<T>, depth = DEFAULT_PREFETCH_DEPTH): AsyncGenerator<T> {
  const limit = Math.max(1, Math.floor(depth));
  const pending: Promise<T>[] = [];
  let started = 0;
  const refill = (): void => {
    while (started < count && pending.length < limit) {
      const item = produce(started++);
      // Avoids an unhandled rejection for work abandoned by a consumer that stopped early.
      item.catch(() => undefined);
      pending.push(item);
    }
  };
  refill();
  while (pending.length > 0) {
    const item = await pending.shift()!;
    refill();
    yield item;
  }
}
