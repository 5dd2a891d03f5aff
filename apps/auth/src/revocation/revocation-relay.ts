import type { Logger } from '@revoke/auth';
import type { RevocationWriter } from '@revoke/auth/writer';
import { and, asc, gt, inArray, isNull, lt, min, sql } from '@revoke/db';
import { type AuthDb, revocations } from '@revoke/db/auth';
import { entryOf } from './record-revocations.ts';

export interface RevocationRelayOptions {
  db: AuthDb;
  writer: RevocationWriter;
  logger: Logger;
  /** How often pending rows are retried (default 1000 ms). */
  intervalMs?: number;
  /** Rows per Redis round (default 500). */
  batchSize?: number;
  /** Called with the number of rows delivered, for metrics. */
  onDelivered?: (count: number) => void;
}

/**
 * Delivers committed revocations from Postgres (the outbox: rows with `relayed_at IS NULL`) to Redis
 * through the shared writer, and retries until it succeeds: a logout committed while Redis is down is
 * announced once Redis is back. Delivery is at least once; the writer is idempotent, so a crash between
 * the Redis write and the `relayed_at` stamp only repeats a write.
 */
export class RevocationRelay {
  readonly #options: Required<Omit<RevocationRelayOptions, 'onDelivered'>> &
    Pick<RevocationRelayOptions, 'onDelivered'>;
  #timer: NodeJS.Timeout | undefined;
  /** One delivery at a time in this process; a request arriving meanwhile waits for the next round. */
  #running: Promise<number> | undefined;
  #queued: Promise<number> | undefined;
  #lastError: string | undefined;

  constructor(options: RevocationRelayOptions) {
    this.#options = { intervalMs: 1000, batchSize: 500, ...options };
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Delivers every pending row now; resolves to how many were delivered, rejects when Redis refused.
   * Concurrent calls share rounds, and a call made during a round gets a further round, so the rows
   * its caller just committed are included.
   */
  deliver(): Promise<number> {
    if (!this.#running) return this.#startRound();
    // Everyone who asks during a round shares the one round that starts after it (group commit).
    this.#queued ??= this.#running
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.#startRound();
      });
    return this.#queued;
  }

  #startRound(): Promise<number> {
    this.#running = this.#deliverAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #tick(): Promise<void> {
    try {
      await this.deliver();
      // Long-expired rows match no live token; stamped so they leave the outbox index.
      await this.#options.db
        .update(revocations)
        .set({ relayedAt: sql`now()` })
        .where(
          and(isNull(revocations.relayedAt), lt(revocations.expiresAt, sql`now() - interval '1 minute'`)),
        );
    } catch {
      // Logged by the delivery; the next tick retries.
    }
  }

  /** Age in seconds of the oldest row not yet in Redis (0 when caught up). */
  async lagSeconds(): Promise<number> {
    const [row] = await this.#options.db
      .select({ oldest: min(revocations.createdAt) })
      .from(revocations)
      .where(isNull(revocations.relayedAt));
    return row?.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0;
  }

  /** The last delivery error, if the last round failed. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /**
   * One batch, in one transaction: lock pending rows (SKIP LOCKED, so several auth instances relay
   * side by side), write them all to Redis in one pipeline, stamp them. A logout merging into a locked
   * row waits for this commit and then re-queues it, so no change is ever stamped unsent; if Redis
   * fails, the rollback leaves every row pending.
   */
  #deliverBatch(): Promise<number> {
    const { db, writer, batchSize } = this.#options;
    return db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(revocations)
        .where(
          and(isNull(revocations.relayedAt), gt(revocations.expiresAt, sql`now() - interval '1 minute'`)),
        )
        .orderBy(asc(revocations.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return 0;
      await writer.writeAll(rows.map(entryOf));
      await tx
        .update(revocations)
        .set({ relayedAt: sql`now()` })
        .where(
          inArray(
            revocations.id,
            rows.map((row) => row.id),
          ),
        );
      return rows.length;
    });
  }

  async #deliverAll(): Promise<number> {
    const { logger, batchSize } = this.#options;
    let delivered = 0;
    try {
      for (;;) {
        const count = await this.#deliverBatch();
        delivered += count;
        if (count < batchSize) break;
      }
      if (this.#lastError)
        logger.info({ delivered }, 'relay: Redis reachable again; pending revocations delivered');
      this.#lastError = undefined;
      if (delivered > 0) this.#options.onDelivered?.(delivered);
      return delivered;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.#lastError !== message) logger.warn({ err: message }, 'relay: delivery failed; will retry');
      this.#lastError = message;
      throw error;
    }
  }
}
