import type { RevocationCache } from './cache.ts';
import type { RedisClient } from './connection.ts';
import type { RevocationKeys } from './keys.ts';
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
}

/**
 * Loads every live entry of the index into `cache`, in `ZSCAN` batches: Redis is never blocked
 * building one huge reply (every service resynchronises at once after a Redis restart), and ZSCAN
 * guarantees that every member present for the whole scan is returned. Members added meanwhile
 * arrive by pub/sub, since the caller subscribed first; duplicates are harmless (merges are idempotent).
 */
export async function loadSnapshot(
  redis: RedisClient,
  keys: RevocationKeys,
  cache: RevocationCache,
  options: { timeoutMs: number; batch?: number },
): Promise<SnapshotResult> {
  const deadline = Date.now() + options.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const timed = <T>(promise: Promise<T>) => withTimeout(promise, remaining(), 'revocation snapshot');
  // Separate GETs: in a cluster the shards' epochs sit in different slots (MGET would be CROSSSLOT).
  const readEpochs = () => timed(Promise.all(keys.shards.map((shard) => redis.get(shard.epoch))));
  const before = await readEpochs();
  const foreign = foreignEpoch(before, keys);
  if (foreign !== undefined) return { epoch: null, entries: 0, consistent: true, foreign };
  const epoch = combinedEpoch(before);
  if (epoch === null) return { epoch, entries: 0, consistent: true };
  // Sized once for the whole index instead of growing table by table as the scan goes.
  const sizes = await timed(Promise.all(keys.shards.map((shard) => redis.zcard(shard.index))));
  cache.reserve(sizes.reduce((sum, size) => sum + size, 0));
  const nowSec = Math.floor(Date.now() / 1000);
  let entries = 0;
  // Shard after shard: a cluster's masters each serve a few, and one scan at a time keeps Redis responsive.
  for (const shard of keys.shards) {
    const scan = (cursor: string) => timed(redis.zscan(shard.index, cursor, 'COUNT', options.batch ?? 5000));
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
  // A re-seed (new epoch) during the scan may have rewritten the index: read again under the new one.
  const after = await readEpochs();
  return { epoch, entries, consistent: combinedEpoch(after) === epoch };
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
