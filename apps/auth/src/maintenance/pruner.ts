import type { Logger } from '@revoke/auth';
import type { PruneResult } from './prune.ts';

export interface PrunerOptions {
  /** One run; it should stop between batches once `signal` aborts. */
  prune: (signal: AbortSignal) => Promise<PruneResult>;
  logger: Logger;
  /** Mean time between runs; each wait is drawn from ±25 % of it. 0: never runs on its own. */
  intervalMs: number;
  /** Called after each run that deleted something (metrics). */
  onPruned?: (result: PruneResult) => void;
  /** A number in [0, 1) for the jitter (default `Math.random`). */
  random?: () => number;
}

/**
 * Runs the pruning job on a jittered timer. Jitter keeps instances started together from asking for
 * the prune lock at the same moment; the lock (see `pruneOnce`) makes it safe when they do. A failed
 * run is logged and tried again at the next tick: pruning can always wait, so it never stops the app.
 */
export class Pruner {
  readonly #options: PrunerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #abort = new AbortController();
  #stopped = false;

  constructor(options: PrunerOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#options.intervalMs <= 0 || this.#stopped || this.#timer) return;
    this.#schedule();
  }

  /** Stops the timer and the run in flight (at its next batch), and waits for that run to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#running;
  }

  #schedule(): void {
    const { intervalMs, random = Math.random } = this.#options;
    this.#timer = setTimeout(
      () => {
        this.#running = this.#run().finally(() => {
          this.#running = undefined;
          if (!this.#stopped) this.#schedule();
        });
      },
      intervalMs * (0.75 + random() / 2),
    );
    this.#timer.unref();
  }

  async #run(): Promise<void> {
    const { prune, logger, onPruned } = this.#options;
    const started = Date.now();
    try {
      const result = await prune(this.#abort.signal);
      if (result.total === 0) return;
      onPruned?.(result);
      logger.info({ ...result, ms: Date.now() - started }, 'prune: expired rows deleted');
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'prune: failed; retrying at the next tick',
      );
    }
  }
}
