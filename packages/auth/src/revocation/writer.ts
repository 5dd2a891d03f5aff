import { randomBytes } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { isCluster, type RedisClient } from './connection.ts';
import { indexMember, type RevocationEntry, type RevocationEvent, revocationEntrySchema } from './entry.ts';
import { type IssuerPolicy, writeIssuerPolicy } from './issuer-policy.ts';
import { DEFAULT_CLUSTER_SHARDS, DEFAULT_PREFIX, revocationKeys } from './keys.ts';
import { combinedEpoch, foreignEpoch } from './snapshot.ts';
import { WRITE_SCRIPT } from './write-script.ts';

/** How far back each shard's stream reaches by default: longer than the outages worth replaying. */
export const DEFAULT_STREAM_RETENTION_MS = 10 * 60_000;

/**
 * Options of {@link createRevocationWriter}: the Redis to write to, and what it must agree on with
 * the deployment's feeds and verifiers (prefix, shards, clock tolerance).
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRevocationWriter, type RevocationWriterOptions } from '@revoke/auth/writer';
 *
 * const options: RevocationWriterOptions = {
 *   redis: new Redis(process.env.REDIS_URL!),
 *   prefix: 'revoke:', // the feeds' too
 *   clockToleranceSec: 5, // the verifiers'
 *   replicaWait: { replicas: 1, timeoutMs: 100 }, // only for a Redis with replicas
 * };
 * const writer = createRevocationWriter(options);
 * ```
 */
export interface RevocationWriterOptions {
  /**
   * A command connection (not a subscriber) to a single Redis or a Redis Cluster. Commands must reach
   * Redis: the write is acknowledged only once they do.
   */
  redis: RedisClient;
  /** Key namespace; must match the feeds'. */
  prefix?: string;
  /** Number of shards when `redis` is a cluster (default 16); must match the feeds'. Ignored on a single Redis. */
  shards?: number;
  /**
   * The verifiers' clock tolerance. Entries live until `exp` plus this, or a revoked token would be
   * accepted again during the window in which verifiers still accept it as unexpired.
   */
  clockToleranceSec?: number;
  /**
   * After each write and announcement, wait (at most `timeoutMs`) until `replicas` replicas of the
   * master hold it (`WAIT`, on the same connection). Replication is asynchronous: this shrinks the
   * window in which a failover loses an acknowledged revocation; it does not close it (the auth app's
   * guardian re-seeds after a change of master). Off by default, and only for a Redis with replicas:
   * on one without, every write would run out the timeout.
   */
  replicaWait?: { replicas: number; timeoutMs: number } | undefined;
  /**
   * How long each shard's stream keeps an event (default 10 minutes): a feed disconnected for less
   * catches up by replaying it; after a longer outage it reads the whole index again.
   */
  streamRetentionMs?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/**
 * Writes revocations to Redis and announces them (docs/architecture.md, "Revocation"). Postgres stays the source of truth.
 *
 * @example
 * ```ts
 * import { createRevocationWriter, type RevocationWriter } from '@revoke/auth/writer';
 *
 * const writer: RevocationWriter = createRevocationWriter({ redis });
 * const now = Math.floor(Date.now() / 1000);
 * await writer.revokeSession({ sid: claims.sid, exp: now + 900 }); // log out this session
 * await writer.revokeUserBefore({ sub: claims.sub, notBefore: now, exp: now + 900 }); // log out everywhere
 * ```
 */
export interface RevocationWriter {
  /** Revoke one access token until its `exp`. Resolves to the number of subscribers that received the event. */
  revokeToken(input: { jti: string; exp: number }): Promise<number>;
  /** Revoke every token of a session; `exp` is when its last access token expires. */
  revokeSession(input: { sid: string; exp: number }): Promise<number>;
  /** Revoke every token of a user issued before `notBefore`; `exp` is when the last of them expires. */
  revokeUserBefore(input: { sub: string; notBefore: number; exp: number }): Promise<number>;
  /** Write any entry (what a relay calls). Validates it first; throws on a malformed entry. */
  write(entry: RevocationEntry): Promise<number>;
  /**
   * Write and announce many entries in one pipeline (one round trip); each is still its own atomic
   * step. Throws if any failed, after all were attempted (a retry rewrites them, idempotently).
   */
  writeAll(entries: readonly RevocationEntry[]): Promise<void>;
  /** Write many entries without publishing each one (re-seeding); follow with {@link setEpoch}. */
  seed(entries: Iterable<RevocationEntry>): Promise<number>;
  /** The current epoch, or null when Redis holds no (complete) revocation data. */
  readEpoch(): Promise<string | null>;
  /** Mark Redis as holding every live revocation and tell feeds to resynchronise. Returns the new epoch. */
  setEpoch(): Promise<string>;
  /** Records what revocations are kept for, which services check at start (see `issuer-policy.ts`). */
  setPolicy(policy: IssuerPolicy): Promise<void>;
}

/**
 * A {@link RevocationWriter} over one Redis command connection.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRevocationWriter } from '@revoke/auth/writer';
 *
 * const writer = createRevocationWriter({ redis: new Redis(process.env.REDIS_URL), prefix: 'revoke:' });
 * await writer.setEpoch(); // once Redis holds every live revocation: feeds may start
 * await writer.revokeToken({ jti: claims.jti, exp: claims.exp }); // logout
 * ```
 */
export function createRevocationWriter(options: RevocationWriterOptions): RevocationWriter {
  const { redis } = options;
  const cluster = isCluster(redis);
  const keys = revocationKeys(options.prefix ?? DEFAULT_PREFIX, {
    shards: cluster ? (options.shards ?? DEFAULT_CLUSTER_SHARDS) : undefined,
  });
  const publishCommand = cluster ? 'SPUBLISH' : 'PUBLISH';
  const { replicaWait } = options;
  // EVALSHA with a fallback to EVAL: the script is sent once per connection, not with every write.
  if (!('revocationWrite' in redis))
    redis.defineCommand('revocationWrite', { numberOfKeys: 3, lua: WRITE_SCRIPT });
  const tolerance = options.clockToleranceSec ?? 5;
  const now = options.now ?? Date.now;
  const retentionMs = options.streamRetentionMs ?? DEFAULT_STREAM_RETENTION_MS;

  function args(entry: RevocationEntry, publish: boolean): (string | number)[] {
    const nowSec = Math.floor(now() / 1000);
    const value = entry.kind === 'sub' ? String(entry.notBefore) : '1';
    // What is stored and announced lives until exp + tolerance, so every cache keeps it as long as Redis does.
    const stored: RevocationEntry = { ...entry, exp: entry.exp + tolerance };
    const event: RevocationEvent = { v: 1, type: 'revoked', entry: stored, at: now() };
    const shard = keys.shards[keys.shardOf(entry.kind, entry.id)]!;
    return [
      keys.entry(entry.kind, entry.id),
      shard.index,
      shard.stream,
      entry.kind,
      entry.id,
      value,
      stored.exp,
      indexMember(stored),
      publish ? shard.channel : '',
      JSON.stringify(event),
      nowSec,
      publishCommand,
      retentionMs,
    ];
  }

  /** Entries past expiry plus tolerance match no acceptable token: writing them would only add garbage. */
  const isLive = (entry: RevocationEntry) => entry.exp + tolerance > now() / 1000;

  async function write(input: RevocationEntry): Promise<number> {
    const entry = revocationEntrySchema.parse(input);
    if (!isLive(entry)) return 0;
    if (!replicaWait) return (await scripted(redis).revocationWrite(...args(entry, true))) as number;
    const batch = redis.pipeline();
    scripted(batch).revocationWrite(...args(entry, true));
    return (await execOrThrow(waitFor(batch)))[0] as number;
  }

  /** Appends the replica wait, when asked for, to a pipeline: it runs on the connection that wrote. */
  function waitFor(batch: ChainableCommander): ChainableCommander {
    return replicaWait ? batch.wait(replicaWait.replicas, replicaWait.timeoutMs) : batch;
  }

  return {
    write,
    revokeToken: ({ jti, exp }) => write({ kind: 'jti', id: jti, exp }),
    revokeSession: ({ sid, exp }) => write({ kind: 'sid', id: sid, exp }),
    revokeUserBefore: ({ sub, notBefore, exp }) => write({ kind: 'sub', id: sub, notBefore, exp }),

    async writeAll(entries) {
      // A cluster pipeline must stay on one node: one pipeline per shard (one slot each), run side by side.
      const batches = new Map<number, ChainableCommander>();
      for (const input of entries) {
        const entry = revocationEntrySchema.parse(input);
        if (!isLive(entry)) continue;
        const shard = keys.shardOf(entry.kind, entry.id);
        const batch = batches.get(shard) ?? redis.pipeline();
        batches.set(shard, batch);
        scripted(batch).revocationWrite(...args(entry, true));
      }
      const results = await Promise.allSettled(
        [...batches.values()].map((batch) => execOrThrow(waitFor(batch))),
      );
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },

    async seed(entries) {
      let count = 0;
      const batches = new Map<number, { pipeline: ChainableCommander; size: number }>();
      for (const input of entries) {
        const entry = revocationEntrySchema.parse(input);
        if (!isLive(entry)) continue;
        const shard = keys.shardOf(entry.kind, entry.id);
        const batch = batches.get(shard) ?? { pipeline: redis.pipeline(), size: 0 };
        batches.set(shard, batch);
        scripted(batch.pipeline).revocationWrite(...args(entry, false));
        count++;
        // Bounded batches keep memory flat when re-seeding a million entries.
        if (++batch.size === 1000) {
          batches.delete(shard);
          await execOrThrow(batch.pipeline);
        }
      }
      await Promise.all([...batches.values()].map((batch) => execOrThrow(batch.pipeline)));
      return count;
    },

    async readEpoch() {
      if (!cluster) return redis.get(keys.epoch);
      // One GET per shard: their epochs sit in different slots, where MGET is a CROSSSLOT error.
      const epochs = await Promise.all(keys.shards.map((shard) => redis.get(shard.epoch)));
      // Set for another number of shards: as good as none here (the guardian then re-seeds).
      return foreignEpoch(epochs, keys) === undefined ? combinedEpoch(epochs) : null;
    },

    setPolicy: (policy) => writeIssuerPolicy(redis, keys, policy),

    async setEpoch() {
      const epoch = randomBytes(12).toString('base64url') + keys.epochSuffix;
      const event = JSON.stringify({ v: 1, type: 'resync', epoch, at: now() } satisfies RevocationEvent);
      // The stream gets the resync too: a feed resuming across it sees the epoch change, and every stream
      // has an entry to resume from even before the first revocation.
      if (!cluster) {
        // One step, so that no feed can see the new epoch without also being told to resync.
        await execOrThrow(
          redis
            .multi()
            .set(keys.epoch, epoch)
            .xadd(keys.stream, '*', 'e', event)
            .publish(keys.channel, event),
        );
        return epoch;
      }
      // Per shard, the same step on its own slot; every shard, since a feed listens to each.
      await Promise.all(
        keys.shards.map((shard) =>
          execOrThrow(
            redis
              .multi()
              .set(shard.epoch, epoch)
              .xadd(shard.stream, '*', 'e', event)
              .spublish(shard.channel, event),
          ),
        ),
      );
      return epoch;
    },
  };
}

/** A client or pipeline seen with the command `defineCommand` added to it. */
function scripted<T extends object>(
  target: T,
): T & { revocationWrite(...args: (string | number)[]): Promise<unknown> } {
  return target as T & { revocationWrite(...args: (string | number)[]): Promise<unknown> };
}

/** Runs a pipeline; throws the first error of any of its commands, else resolves to their results. */
async function execOrThrow(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
  return results.map(([, result]) => result);
}
