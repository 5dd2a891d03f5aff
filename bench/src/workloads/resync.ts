// resync: a service rebuilding its whole cache (after a dropped connection, a restart, a new epoch).
// ours: a fresh RevocationFeed, from `start()` until its first snapshot is loaded (connect,
// subscribe, ZSCAN batches, parse, add); floor: the same index read with no processing at all, as
// fast as one connection can: every ZRANGE batch sent in one pipeline.
import { randomBytes } from 'node:crypto';
import { RevocationFeed } from '@revoke/auth/internal';
import { startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, type RevocationEntry, revocationKeys } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { type BenchContext, interleave, type Row } from '../runner.ts';
import { msSince } from '../stats.ts';

const FLOOR_BATCH = 5000;

export async function runResync(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const entries = quick ? 200_000 : 1_000_000;
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const prefix = testPrefix('bench-resync');
  const { index } = revocationKeys(prefix);
  try {
    await progress.step(`resync: seed ${entries.toLocaleString('en')} entries (writer.seed)`, async () => {
      const writer = createRevocationWriter({ redis, prefix });
      await writer.seed(liveEntries(entries));
      await writer.setEpoch();
    });

    return await interleave(context, {
      workload: 'resync',
      units: { ms: 'ms' },
      entries,
      rounds: quick ? 3 : 5,
      variants: [
        {
          name: 'ours',
          async run() {
            const feed = new RevocationFeed({ redisUrl: redisServer.url, prefix });
            const started = process.hrtime.bigint();
            await feed.start();
            const ms = msSince(started);
            const held = feed.cache.size;
            await feed.close();
            if (held !== entries) throw new Error(`the feed loaded ${held} entries, not ${entries}`);
            return { ms };
          },
        },
        {
          name: 'floor',
          async run() {
            const reader = new Redis(redisServer.url, { lazyConnect: true });
            const started = process.hrtime.bigint();
            await reader.connect();
            const total = await reader.zcard(index);
            const pipeline = reader.pipeline();
            for (let at = 0; at < total; at += FLOOR_BATCH) {
              pipeline.zrange(index, at, at + FLOOR_BATCH - 1, 'WITHSCORES');
            }
            const replies = (await pipeline.exec()) ?? [];
            const ms = msSince(started);
            reader.disconnect();
            const read = replies.reduce((sum, [, reply]) => sum + (reply as string[]).length / 2, 0);
            if (read !== entries) throw new Error(`the floor read ${read} entries, not ${entries}`);
            return { ms };
          },
        },
      ],
    });
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
}

/** Live revoked tokens with realistic ids, expiring over 15 minutes from `minLifetimeSec` on. */
export function* liveEntries(count: number, minLifetimeSec = 120): Generator<RevocationEntry> {
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i++) {
    yield { kind: 'jti', id: randomBytes(16).toString('base64url'), exp: now + minLifetimeSec + (i % 900) };
  }
}
