import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessClaims } from '../../claims.ts';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../../testing/redis-server.ts';
import type { RevocationEntry } from '../entry.ts';
import { revocationKeys } from '../keys.ts';
import { createRevocationWriter, type RevocationWriter } from '../writer.ts';
import { RevocationFeed, type RevocationFeedOptions } from './feed.ts';

// Short S and heartbeat so each case finishes in a second or two; the defaults are 3 s and 1 s.
const FAST = { staleAfterMs: 1000, heartbeatMs: 200, directTimeoutMs: 200 } as const;
const nowSec = () => Math.floor(Date.now() / 1000);

const claimsOf = (jti: string): AccessClaims => ({
  iss: 'i',
  aud: 'a',
  sub: `u-${jti}`,
  sid: `s-${jti}`,
  jti,
  iat: nowSec(),
  exp: nowSec() + 600,
});
const tokens = (label: string, count: number): RevocationEntry[] =>
  Array.from({ length: count }, (_, i) => ({ kind: 'jti', id: `${label}-${i}`, exp: nowSec() + 600 }));

// A private Redis: these cases kill every subscriber connection, which must not touch other suites' feeds.
let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
}, 30_000);
afterAll(async () => {
  await redis?.stop();
});

const open: { close(): unknown }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

function client(): Redis {
  const created = new Redis(redis.url);
  created.on('error', () => {});
  open.push({ close: () => created.disconnect() });
  return created;
}

/** A feed that records how each of its snapshots went: mode and entries loaded. */
function recordingFeed(prefix: string, options: RevocationFeedOptions = {}) {
  const snapshots: { mode: 'full' | 'resumed'; entries: number }[] = [];
  const feed = new RevocationFeed({
    redisUrl: redis.url,
    prefix,
    ...FAST,
    ...options,
    observer: { snapshot: (entries, _ms, mode) => snapshots.push({ mode, entries }) },
  });
  open.push(feed);
  return { feed, snapshots };
}

/** A seeded Redis (10,000 entries, so a whole read is told apart from a catch-up) and a started feed. */
async function seededFeed(prefix: string): Promise<{
  writer: RevocationWriter;
  feed: RevocationFeed;
  snapshots: { mode: 'full' | 'resumed'; entries: number }[];
}> {
  const writer = createRevocationWriter({ redis: client(), prefix });
  await writer.seed(tokens('seeded', 10_000));
  await writer.setEpoch();
  const { feed, snapshots } = recordingFeed(prefix);
  await feed.start();
  expect(snapshots).toEqual([{ mode: 'full', entries: 10_000 }]);
  // One event applied live, so the resume point has moved past the snapshot's.
  await writer.revokeToken({ jti: 'live-0', exp: nowSec() + 600 });
  await vi.waitFor(() => expect(feed.cache.isRevoked(claimsOf('live-0'))).toBe(true), { interval: 5 });
  return { writer, feed, snapshots };
}

/** Drops the feed's subscriber and revokes `gap` at once, so their events have no receiver. */
async function revokeInGap(writer: RevocationWriter, gap: RevocationEntry[]): Promise<void> {
  await client().client('KILL', 'TYPE', 'pubsub');
  await writer.writeAll(gap);
}

describe('a feed that reconnects catches up from the stream', () => {
  it('replays only what it missed: every revocation of the gap, and not the 10,000 it already holds', async () => {
    const prefix = testPrefix('resume');
    const { writer, feed, snapshots } = await seededFeed(prefix);
    const gap = tokens('gap', 5);
    await revokeInGap(writer, gap);
    await vi.waitFor(() => expect(snapshots.length).toBe(2), { timeout: 3000, interval: 10 });
    // The events of the gap may also arrive by pub/sub once resubscribed; at most these five are replayed.
    expect(snapshots[1]!.mode).toBe('resumed');
    expect(snapshots[1]!.entries).toBeLessThanOrEqual(5);
    expect(gap.every((entry) => feed.cache.isRevoked(claimsOf(entry.id)))).toBe(true);
    await vi.waitFor(() => expect(feed.isFresh()).toBe(true), { timeout: 3000, interval: 10 });

    // And again from where the resume left off: a second gap replays only its own entries.
    const second = tokens('second', 3);
    await revokeInGap(writer, second);
    await vi.waitFor(() => expect(snapshots.length).toBe(3), { timeout: 3000, interval: 10 });
    expect(snapshots[2]).toMatchObject({ mode: 'resumed' });
    expect(snapshots[2]!.entries).toBeLessThanOrEqual(3);
    expect(second.every((entry) => feed.cache.isRevoked(claimsOf(entry.id)))).toBe(true);
  });

  it('reads the whole index when the stream no longer reaches back to where it stood (trimmed)', async () => {
    const prefix = testPrefix('resume');
    const { writer, feed, snapshots } = await seededFeed(prefix);
    // Everything older than now is gone, the feed's last entry with it.
    await client().xtrim(revocationKeys(prefix).stream, 'MINID', String(Date.now() + 1));
    const gap = tokens('gap', 5);
    await revokeInGap(writer, gap);
    await vi.waitFor(() => expect(snapshots.length).toBe(2), { timeout: 3000, interval: 10 });
    expect(snapshots[1]).toEqual({ mode: 'full', entries: 10_006 });
    expect(gap.every((entry) => feed.cache.isRevoked(claimsOf(entry.id)))).toBe(true);
    await vi.waitFor(() => expect(feed.isFresh()).toBe(true), { timeout: 3000, interval: 10 });
  });

  it('reads the whole index when Redis was re-seeded while it was catching up (epoch changed mid-resume)', async () => {
    const prefix = testPrefix('resume');
    const { writer, feed, snapshots } = await seededFeed(prefix);
    const oldEpoch = feed.status().epoch;
    // Only in the index, never announced: a feed finds it only by reading the whole index again.
    const reseeded: RevocationEntry = { kind: 'sid', id: 'reseeded-only', exp: nowSec() + 600 };
    const proto = Redis.prototype as unknown as { xrange: (...args: unknown[]) => Promise<unknown> };
    const xrange = proto.xrange;
    let reseeds = 0;
    // The first catch-up read finds Redis re-seeded under it (the auth app's guardian after a data loss).
    proto.xrange = async function (this: Redis, ...args: unknown[]) {
      if (String(args[0]).startsWith(prefix) && reseeds++ === 0) {
        await writer.seed([reseeded]);
        await writer.setEpoch();
      }
      return xrange.apply(this, args);
    };
    try {
      await revokeInGap(writer, tokens('gap', 2));
      await vi.waitFor(() => expect(feed.status().synced && feed.status().epoch !== oldEpoch).toBe(true), {
        timeout: 3000,
        interval: 10,
      });
    } finally {
      delete (Redis.prototype as unknown as { xrange?: unknown }).xrange;
    }
    expect(reseeds).toBeGreaterThan(0);
    expect(snapshots.at(-1)!.mode).toBe('full');
    expect(feed.cache.isRevoked({ ...claimsOf('any'), sid: 'reseeded-only' })).toBe(true);
    expect(await writer.readEpoch()).toBe(feed.status().epoch);
  });

  it('a feed started afresh reads the whole index (nothing to resume from)', async () => {
    const prefix = testPrefix('resume');
    await seededFeed(prefix);
    const { feed, snapshots } = recordingFeed(prefix);
    await feed.start();
    expect(snapshots).toEqual([{ mode: 'full', entries: 10_001 }]);
  });
});

describe('a reload after a re-seed, spread by resyncJitterMs', () => {
  it('waits untrusted (requests go to Redis) until its delay is up; a gap meanwhile reloads at once', async () => {
    const prefix = testPrefix('jitter');
    const writer = createRevocationWriter({ redis: client(), prefix });
    await writer.setEpoch();
    // A delay far longer than the test: the reload after the re-seed can only come from the gap.
    const { feed, snapshots } = recordingFeed(prefix, { resyncJitterMs: 600_000 });
    await feed.start();
    expect(snapshots).toHaveLength(1);
    // Only in the index, never announced: it reaches the cache by a reload alone.
    await writer.seed([{ kind: 'sid', id: 'reseeded-only', exp: nowSec() + 600 }]);
    const epoch = await writer.setEpoch();
    await vi.waitFor(() => expect(feed.isFresh()).toBe(false), { timeout: 3000, interval: 5 });
    // Several heartbeats and ticks later it still waits, untrusted, and has not reloaded.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(feed.isFresh()).toBe(false);
    expect(snapshots).toHaveLength(1);
    await expect(feed.checkDirect({ ...claimsOf('x'), sid: 'reseeded-only' })).resolves.toBe(true);

    await client().client('KILL', 'TYPE', 'pubsub');
    await vi.waitFor(() => expect(feed.status()).toMatchObject({ synced: true, epoch }), {
      timeout: 3000,
      interval: 10,
    });
    expect(snapshots.at(-1)!.mode).toBe('full');
    expect(feed.cache.isRevoked({ ...claimsOf('x'), sid: 'reseeded-only' })).toBe(true);
  });
});
