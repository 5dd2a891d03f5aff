// resume: a running service whose subscriber dropped, catching up with one million entries cached.
// ours-resume: the feed replays its shard's stream from the last entry it applied (what it does when
// the stream still reaches back that far); reload: the same feed, same gap, with the stream trimmed
// past its position, so it reads the whole index again (what every reconnect cost before streams).
// Each round drops the subscriber and writes the backlog of a 2 s outage at 1,000 revocations/s; the
// figure is the feed's own catch-up time, from its subscription being confirmed to its cache being
// complete again (the reconnect's backoff is the same for both and is not the feed's work).

import { RevocationFeed } from '@revoke/auth/internal';
import { startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, revocationKeys } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { type BenchContext, interleave, type Row } from '../runner.ts';
import { liveEntries } from './resync.ts';

/** Revocations written while the subscriber is gone: 2 s at 1,000 revocations/s. */
const BACKLOG = 2000;
/** Longer than seeding a million entries takes on a busy machine, so none expires during the run. */
const LIFETIME_SEC = 3600;
/** Claims that match nothing but the `jti` set on them. */
const anyClaims = { iss: 'i', aud: 'a', sub: 'nobody', sid: 'none', iat: 0, exp: 0 } as const;

export async function runResume(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const entries = quick ? 200_000 : 1_000_000;
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const prefix = testPrefix('bench-resume');
  const { stream } = revocationKeys(prefix);
  const writer = createRevocationWriter({ redis, prefix });
  const catchUps: { mode: 'full' | 'resumed'; ms: number }[] = [];
  const feed = new RevocationFeed({
    redisUrl: redisServer.url,
    prefix,
    observer: { snapshot: (_entries, ms, mode) => catchUps.push({ mode, ms }) },
  });
  try {
    await progress.step(`resume: seed ${entries.toLocaleString('en')} entries and load them`, async () => {
      await writer.seed(liveEntries(entries, LIFETIME_SEC));
      await writer.setEpoch();
      await feed.start();
    });

    /** Drops the subscriber, writes the backlog, and resolves to the catch-up that follows. */
    async function gap(expected: 'full' | 'resumed'): Promise<{ ms: number }> {
      const seen = catchUps.length;
      const backlog = [...liveEntries(BACKLOG, LIFETIME_SEC)];
      await redis.client('KILL', 'TYPE', 'pubsub');
      await writer.writeAll(backlog);
      while (catchUps.length === seen || !feed.status().synced) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const catchUp = catchUps.at(-1)!;
      if (catchUp.mode !== expected) throw new Error(`expected a ${expected} catch-up, got ${catchUp.mode}`);
      const missed = backlog.filter((entry) => !feed.cache.isRevoked({ ...anyClaims, jti: entry.id }));
      if (missed.length > 0) throw new Error(`the feed missed ${missed.length} revocations of the gap`);
      return { ms: catchUp.ms };
    }

    return await interleave(context, {
      workload: 'resume',
      units: { ms: 'ms' },
      entries,
      rounds: quick ? 3 : 7,
      variants: [
        { name: 'ours-resume', run: () => gap('resumed') },
        {
          name: 'reload',
          async run() {
            // Nothing older than now is left: the feed's last entry is gone, so it cannot resume.
            await redis.xtrim(stream, 'MINID', String(Date.now() + 1));
            return gap('full');
          },
        },
      ],
    });
  } finally {
    await feed.close();
    redis.disconnect();
    await redisServer.stop();
  }
}
