import type { Redis } from 'ioredis';
import type { RevocationCache } from './cache.ts';
import type { RevocationKeys } from './keys.ts';
import { withTimeout } from './with-timeout.ts';

/** What one snapshot found. */
export interface SnapshotResult {
  /** The epoch it was taken under; null when Redis holds no (complete) revocation data. */
  epoch: string | null;
  entries: number;
  /** False when the epoch changed while reading: the caller must take another one. */
  consistent: boolean;
}

/**
 * Loads every live entry of the index into `cache`, in `ZSCAN` batches: Redis is never blocked
 * building one huge reply (every service resynchronises at once after a Redis restart), and ZSCAN
 * guarantees that every member present for the whole scan is returned. Members added meanwhile
 * arrive by pub/sub, since the caller subscribed first; duplicates are harmless (merges are idempotent).
 */
export async function loadSnapshot(
  redis: Redis,
  keys: RevocationKeys,
  cache: RevocationCache,
  options: { timeoutMs: number; batch?: number },
): Promise<SnapshotResult> {
  const deadline = Date.now() + options.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const epoch = await withTimeout(redis.get(keys.epoch), remaining(), 'revocation snapshot');
  if (epoch === null) return { epoch, entries: 0, consistent: true };
  // Sized once for the whole index instead of growing table by table as the scan goes.
  cache.reserve(await withTimeout(redis.zcard(keys.index), remaining(), 'revocation snapshot'));
  const nowSec = Math.floor(Date.now() / 1000);
  const scan = (cursor: string) =>
    withTimeout(
      redis.zscan(keys.index, cursor, 'COUNT', options.batch ?? 5000),
      remaining(),
      'revocation snapshot',
    );
  let entries = 0;
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
  // A re-seed (new epoch) during the scan may have rewritten the index: read again under the new one.
  const after = await withTimeout(redis.get(keys.epoch), remaining(), 'revocation snapshot');
  return { epoch, entries, consistent: after === epoch };
}
