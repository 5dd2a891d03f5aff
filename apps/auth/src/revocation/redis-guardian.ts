import type { Logger, RevocationWriter } from '@revoke/auth';
import { gt, sql } from '@revoke/db';
import { type AuthDb, revocations } from '@revoke/db/auth';
import type { Redis } from 'ioredis';
import { entryOf } from './record-revocations.ts';

/** Thrown at start when Redis could evict revocation keys. */
export class UnsafeRedisError extends Error {
  override readonly name = 'UnsafeRedisError';
}

/** A field of `INFO` output (`run_id`, `maxmemory_policy`, …). */
function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

/**
 * Refuses a Redis that may evict keys: under memory pressure any policy but `noeviction` can drop a
 * revocation, and a dropped revocation is a logged-out token accepted again. Read from `INFO memory`
 * rather than `CONFIG GET`, which managed Redis services often disable.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const policy = infoField(await redis.info('memory'), 'maxmemory_policy');
  if (policy !== 'noeviction') {
    throw new UnsafeRedisError(
      `Redis maxmemory-policy is "${policy}", but must be "noeviction": any other policy can evict revocation ` +
        'keys under memory pressure and let logged-out tokens through. Set it with ' +
        '`redis-cli CONFIG SET maxmemory-policy noeviction` (and in redis.conf).',
    );
  }
}

export interface RedisGuardianOptions {
  db: AuthDb;
  redis: Redis;
  writer: RevocationWriter;
  logger: Logger;
  /** How often Redis is checked for data loss (default 1000 ms). */
  intervalMs?: number;
  onReseed?: (entries: number) => void;
}

/**
 * Notices when Redis lost its data (the epoch key is gone, or the server's `run_id` changed: a restart,
 * possibly without persistence) and re-seeds every live revocation from Postgres, then sets a new
 * epoch, which tells every service's feed to take a fresh snapshot. Until then the feeds see no
 * epoch and refuse to trust Redis's silence.
 */
export class RedisGuardian {
  readonly #options: RedisGuardianOptions;
  #runId: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<boolean> | undefined;
  #reseeds = 0;

  constructor(options: RedisGuardianOptions) {
    this.#options = options;
  }

  /** Checks once now (re-seeding if needed), then keeps checking on a timer. */
  async start(): Promise<void> {
    await this.check();
    this.#timer ??= setInterval(() => void this.check().catch(() => {}), this.#options.intervalMs ?? 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Times Redis was re-seeded by this process. */
  get reseeds(): number {
    return this.#reseeds;
  }

  /** Re-seeds if Redis lost its data; resolves to whether it did. One check at a time. */
  check(): Promise<boolean> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<boolean> {
    const { redis, writer, logger } = this.#options;
    const [epoch, info] = await Promise.all([writer.readEpoch(), redis.info('server')]);
    const runId = infoField(info, 'run_id');
    const restarted = this.#runId !== undefined && runId !== this.#runId;
    if (epoch !== null && !restarted) {
      this.#runId = runId;
      return false;
    }
    logger.warn(
      { epochMissing: epoch === null, restarted },
      'guardian: Redis lost its revocation data; re-seeding from Postgres',
    );
    const count = await this.reseed();
    this.#runId = runId;
    return count >= 0;
  }

  /** Writes every live revocation from Postgres to Redis, then a new epoch. Returns the number written. */
  async reseed(): Promise<number> {
    const { db, writer, logger } = this.#options;
    const started = Date.now();
    const rows = await db.select().from(revocations).where(gt(revocations.expiresAt, sql`now()`));
    const count = await writer.seed(rows.map(entryOf));
    const epoch = await writer.setEpoch();
    this.#reseeds++;
    this.#options.onReseed?.(count);
    logger.info({ entries: count, ms: Date.now() - started, epoch }, 'guardian: Redis re-seeded');
    return count;
  }
}
