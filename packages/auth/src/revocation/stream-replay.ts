import type { RevocationCache } from './cache.ts';
import type { RedisClient } from './connection.ts';
import { revocationEventSchema } from './entry.ts';

/**
 * Where a feed may resume: the epoch its cache was completed under, and per shard the id of the last
 * stream entry it holds (null: that shard's stream held nothing to anchor on, so it must be read whole).
 */
export interface ResumePoint {
  readonly epoch: string;
  readonly positions: readonly (string | null)[];
}

/** What replaying one shard's stream did. */
export interface ShardReplay {
  /** Entries added to the cache. */
  entries: number;
  /** The id of the last stream entry read: the shard's next resume point. */
  position: string;
}

/** The id of the last entry of a stream, or null when it holds none (or does not exist). */
export async function lastStreamPosition(redis: RedisClient, stream: string): Promise<string | null> {
  const [last] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
  return last?.[0] ?? null;
}

/**
 * Applies every entry of `stream` after `from` to `cache`, in batches. Resolves to undefined when the
 * stream cannot prove that it holds everything after `from`, and the shard must be read whole instead:
 * - the entry `from` itself is gone: trimmed by age (the outage lasted longer than the stream reaches
 *   back), or this Redis never had it (a replica promoted before it got it, so its later ids may even be
 *   lower). While `from` is there, every entry this Redis added after it has a higher id and is still
 *   there too: entries are only ever trimmed from the oldest end;
 * - the stream announces another epoch than `epoch` (Redis was re-seeded meanwhile).
 *
 * Entries read but superseded by a full snapshot are harmless: merging an entry is idempotent.
 */
export async function replayStream(
  redis: RedisClient,
  stream: string,
  from: string | null,
  options: {
    cache: RevocationCache;
    epoch: string;
    batch: number;
    timed: <T>(promise: Promise<T>) => Promise<T>;
  },
): Promise<ShardReplay | undefined> {
  if (from === null) return undefined;
  const { cache, timed, batch } = options;
  const nowSec = Math.floor(Date.now() / 1000);
  let entries = 0;
  let position = from;
  // The first batch starts at `from` itself (inclusive), to prove it is still there.
  let start = from;
  for (;;) {
    const rows = await timed(redis.xrange(stream, start, '+', 'COUNT', batch));
    let i = 0;
    if (start === from) {
      if (rows[0]?.[0] !== from) return undefined;
      i = 1;
    }
    for (; i < rows.length; i++) {
      const [id, fields] = rows[i]!;
      const event = parseStreamEvent(fields);
      if (event?.type === 'resync' && event.epoch !== options.epoch) return undefined;
      if (event?.type === 'revoked' && event.entry.exp > nowSec && cache.add(event.entry)) entries++;
      position = id;
    }
    if (rows.length < batch) return { entries, position };
    start = `(${position}`;
  }
}

/** A stream entry's event (its one field `e`), or undefined for one this version does not understand. */
function parseStreamEvent(fields: string[]) {
  const json = fields[0] === 'e' ? fields[1] : undefined;
  if (json === undefined) return undefined;
  try {
    const parsed = revocationEventSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
