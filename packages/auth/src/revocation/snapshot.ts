import type { RevocationCache } from './cache.ts';
import type { RedisClient } from './connection.ts';
import type { RevocationKeys } from './keys.ts';
import { lastStreamPosition, type ResumePoint, replayStream } from './stream-replay.ts';
import { withTimeout } from './with-timeout.ts';

/** What one snapshot found. */
export interface SnapshotResult {
  /** The epoch it was taken under; null when Redis holds no (complete) revocation data. */
  epoch: string | null;
  entries: number;
  /** False when the epoch changed while reading: the caller must take another one. */
  consistent: boolean;
  /** An epoch set for another number of shards (then `epoch` is null): the deployment is misconfigured. */
  foreign?: string;
  /** Where the next snapshot may resume, once this one has made the cache complete (absent with no epoch). */
  resumePoint?: ResumePoint;
  /** Shards caught up from their stream rather than read whole. */
  resumedShards?: number;
}

/** Options of {@link loadSnapshot}. */
export interface SnapshotOptions {
  timeoutMs: number;
  /** Index members per ZSCAN, and stream entries per XRANGE (default 1000). */
  batch?: number;
  /**
   * Where the cache was last complete. A shard whose stream still reaches back to it is caught up from
   * the stream (a few entries) instead of read whole (every live entry); the others are read whole.
   */
  from?: ResumePoint | undefined;
}

/**
 * Brings `cache` up to date with Redis, shard by shard: from the shard's stream when `options.from` is
 * under the current epoch and the stream still reaches back to it, else by reading the shard's whole
 * index. The caller subscribed first, so anything written meanwhile also arrives by pub/sub.
 *
 * A whole read goes in `ZSCAN` batches: Redis is never blocked building one huge reply (every service
 * resynchronises at once after a Redis restart), and ZSCAN guarantees that every member present for the
 * whole scan is returned. Duplicates are harmless (merges are idempotent).
 */
export async function loadSnapshot(
  redis: RedisClient,
  keys: RevocationKeys,
  cache: RevocationCache,
  options: SnapshotOptions,
): Promise<SnapshotResult> {
  const deadline = Date.now() + options.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const timed = <T>(promise: Promise<T>) => withTimeout(promise, remaining(), 'revocation snapshot');
  const batch = options.batch ?? 1000;
  // Separate GETs: in a cluster the shards' epochs sit in different slots (MGET would be CROSSSLOT).
  const readEpochs = () => timed(Promise.all(keys.shards.map((shard) => redis.get(shard.epoch))));
  const before = await readEpochs();
  const foreign = foreignEpoch(before, keys);
  if (foreign !== undefined) return { epoch: null, entries: 0, consistent: true, foreign };
  const epoch = combinedEpoch(before);
  if (epoch === null) return { epoch, entries: 0, consistent: true };

  const from = options.from?.epoch === epoch ? options.from.positions : undefined;
  const positions: (string | null)[] = keys.shards.map(() => null);
  let entries = 0;
  // Catching up is a few round trips per shard: all shards at once.
  const replays = await Promise.all(
    keys.shards.map((shard, n) =>
      from ? replayStream(redis, shard.stream, from[n] ?? null, { cache, epoch, batch, timed }) : undefined,
    ),
  );
  const whole: number[] = [];
  for (const [n, replay] of replays.entries()) {
    if (replay === undefined) {
      whole.push(n);
      continue;
    }
    entries += replay.entries;
    positions[n] = replay.position;
  }
  if (whole.length > 0) entries += await readWhole(redis, keys, cache, whole, positions, { batch, timed });
  // A re-seed (new epoch) during the read may have rewritten the index: read again under the new one.
  const after = await readEpochs();
  return {
    epoch,
    entries,
    consistent: combinedEpoch(after) === epoch,
    resumePoint: { epoch, positions },
    resumedShards: keys.shards.length - whole.length,
  };
}

/** Reads the whole index of each of `shards` into `cache`, noting first where each one's stream stands. */
async function readWhole(
  redis: RedisClient,
  keys: RevocationKeys,
  cache: RevocationCache,
  shards: readonly number[],
  positions: (string | null)[],
  options: { batch: number; timed: <T>(promise: Promise<T>) => Promise<T> },
): Promise<number> {
  const { timed, batch } = options;
  // Before the scan: every entry up to this position is in the index by then (one script writes both).
  const tips = await timed(Promise.all(shards.map((n) => lastStreamPosition(redis, keys.shards[n]!.stream))));
  shards.forEach((n, i) => {
    positions[n] = tips[i]!;
  });
  // Sized once for the whole index instead of growing table by table as the scan goes.
  const sizes = await timed(Promise.all(shards.map((n) => redis.zcard(keys.shards[n]!.index))));
  cache.reserve(sizes.reduce((sum, size) => sum + size, 0));
  const nowSec = Math.floor(Date.now() / 1000);
  let entries = 0;
  // Shard after shard: a cluster's masters each serve a few, and one scan at a time keeps Redis responsive.
  for (const n of shards) {
    const index = keys.shards[n]!.index;
    const scan = (cursor: string) => timed(redis.zscan(index, cursor, 'COUNT', batch));
    let pending = scan('0');
    for (;;) {
      const [next, flat] = await pending;
      // Ask for the next batch before parsing this one, so Redis and this process work at the same time.
      if (next !== '0') pending = scan(next);
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const exp = Number(flat[i + 1]);
        if (exp > nowSec && cache.addIndexMember(flat[i]!, exp)) entries++;
      }
      if (next === '0') break;
    }
  }
  return entries;
}

/** The first epoch that was not set for this number of shards (see `RevocationKeys.epochSuffix`). */
export function foreignEpoch(epochs: readonly (string | null)[], keys: RevocationKeys): string | undefined {
  return epochs.find((epoch) => epoch !== null && !epoch.endsWith(keys.epochSuffix)) ?? undefined;
}

/**
 * One value for the epochs of every shard: null when any is missing (that shard lost its data), the
 * epoch itself when all agree (what a `resync` event carries), otherwise all of them joined.
 */
export function combinedEpoch(epochs: readonly (string | null)[]): string | null {
  if (epochs.some((epoch) => epoch === null)) return null;
  return new Set(epochs).size === 1 ? epochs[0]! : epochs.join(',');
}
