/** Options of {@link coalesceBatches}. */
export interface CoalesceOptions<T, R> {
  /** Answers a batch: one result per item, in order. A rejection fails every item of the batch. */
  run(items: T[]): Promise<R[]>;
  /** Most items in one batch; the rest wait for the next. */
  maxBatch: number;
  /** A batch starts no sooner than this long after the previous one started. */
  minIntervalMs: number;
  now?: () => number;
}

interface Waiter<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Turns a batch operation into a per-item one whose calls are gathered: at most one batch is in
 * flight, everything asked meanwhile waits and goes into the next, and batches start at most once per
 * `minIntervalMs`. So N callers at the same instant cost one batch, and callers arriving steadily
 * cost at most one batch per interval, however many there are.
 */
export function coalesceBatches<T, R>(options: CoalesceOptions<T, R>): (item: T) => Promise<R> {
  const now = options.now ?? Date.now;
  const queue: Waiter<T, R>[] = [];
  let running = false;
  let scheduled = false;
  let lastStart = Number.NEGATIVE_INFINITY;

  function schedule(): void {
    if (running || scheduled || queue.length === 0) return;
    scheduled = true;
    // Never within the same tick: every caller of this tick (a hub telling all its watchers at once) joins.
    setTimeout(
      () => {
        scheduled = false;
        void flush();
      },
      Math.max(0, lastStart + options.minIntervalMs - now()),
    );
  }

  async function flush(): Promise<void> {
    const batch = queue.splice(0, options.maxBatch);
    running = true;
    lastStart = now();
    try {
      const results = await options.run(batch.map((waiter) => waiter.item));
      if (results.length !== batch.length)
        throw new Error(`a batch of ${batch.length} got ${results.length} results`);
      for (const [n, waiter] of batch.entries()) waiter.resolve(results[n]!);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    } finally {
      running = false;
      schedule();
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
