import type { Logger } from '@revoke/auth';
import { isCluster } from '@revoke/auth/internal';
import type { IssuerPolicy, RedisClient, RevocationWriter } from '@revoke/auth/writer';
import { gt, sql } from '@revoke/db';
import { type AuthDb, revocations } from '@revoke/db/auth';
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
export async function assertNoEviction(redis: RedisClient): Promise<void> {
  // In a cluster every master holds revocations: each must refuse to evict.
  const servers = isCluster(redis) ? redis.nodes('master') : [redis];
  if (servers.length === 0) throw new UnsafeRedisError('the Redis Cluster reports no master');
  for (const server of servers) await assertServerNoEviction(server, isCluster(redis));
}

async function assertServerNoEviction(server: RedisClient, named: boolean): Promise<void> {
  const policy = infoField(await server.info('memory'), 'maxmemory_policy');
  if (policy !== 'noeviction') {
    const which =
      named && !isCluster(server) ? ` (master ${server.options.host}:${server.options.port})` : '';
    throw new UnsafeRedisError(
      `Redis${which} maxmemory-policy is "${policy}", but must be "noeviction": any other policy can evict revocation ` +
        'keys under memory pressure and let logged-out tokens through. Set it with ' +
        '`redis-cli CONFIG SET maxmemory-policy noeviction` (and in redis.conf).',
    );
  }
}

export interface RedisGuardianOptions {
  db: AuthDb;
  redis: RedisClient;
  writer: RevocationWriter;
  logger: Logger;
  /**
   * The verifiers' clock tolerance (default 5 s): they accept a token this long past its `exp`, so a
   * revocation must be re-seeded until its expiry plus this, as the writer keeps it in Redis.
   */
  clockToleranceSec?: number;
  /**
   * Written to Redis at start and after every re-seed: what revocations are kept for (this app's
   * clock tolerance and token lifetime). Services refuse to start configured to accept more.
   */
  policy?: IssuerPolicy;
  /** How often Redis is checked for data loss (default 1000 ms). */
  intervalMs?: number;
  onReseed?: (entries: number) => void;
}

/**
 * Notices when Redis lost its data (the epoch key is gone, or the server's `run_id` changed: a restart,
 * possibly without persistence) and re-seeds every live revocation from Postgres, then sets a new
 * epoch, which tells every service's feed to take a fresh snapshot. Until then the feeds see no
 * epoch and refuse to trust Redis's silence.
 *
 * In a Redis Cluster the same holds per master, plus failover: replication is asynchronous, so a
 * revocation a master acknowledged may never have reached the replica promoted in its place, while
 * the epoch (replicated long before) survives. So the guardian also watches which server serves as
 * master (address and `run_id` of every master), and a change of any re-seeds everything.
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

  /** Writes the policy, checks once now (re-seeding if needed), then keeps checking on a timer. */
  async start(): Promise<void> {
    if (this.#options.policy) await this.#options.writer.setPolicy(this.#options.policy);
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

  /**
   * Who serves the data: the server's `run_id`, or in a cluster every master's address and `run_id`
   * (as ioredis last mapped the slots; it refreshes that map every second and on every redirection).
   */
  async #servers(): Promise<string | undefined> {
    const { redis } = this.#options;
    if (!isCluster(redis)) return infoField(await redis.info('server'), 'run_id');
    const masters = await Promise.all(
      redis.nodes('master').map(async (node) => {
        const runId = infoField(await node.info('server'), 'run_id');
        return `${node.options.host}:${node.options.port}/${runId}`;
      }),
    );
    return masters.sort().join(',');
  }

  async #check(): Promise<boolean> {
    const { writer, logger } = this.#options;
    const [epoch, runId] = await Promise.all([writer.readEpoch(), this.#servers()]);
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
    // Still live for a verifier: up to the clock tolerance past expiry (the writer drops what is not).
    const tolerance = this.#options.clockToleranceSec ?? 5;
    const rows = await db
      .select()
      .from(revocations)
      .where(gt(revocations.expiresAt, sql`now() - make_interval(secs => ${tolerance})`));
    const count = await writer.seed(rows.map(entryOf));
    // Before the epoch: a service that sees the epoch can also read what the data is kept for.
    if (this.#options.policy) await writer.setPolicy(this.#options.policy);
    const epoch = await writer.setEpoch();
    this.#reseeds++;
    this.#options.onReseed?.(count);
    logger.info({ entries: count, ms: Date.now() - started, epoch }, 'guardian: Redis re-seeded');
    return count;
  }
}
