import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../../testing/redis-server.ts';
import { createRevocationWriter } from '../writer.ts';
import { type FeedApplied, RevocationFeed } from './feed.ts';

let redis: PrivateRedis;
let admin: Redis;
beforeAll(async () => {
  redis = await startPrivateRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

describe('RevocationFeed.onApplied (private Redis)', () => {
  it('tells of each applied entry and of the resync after a lost subscriber; an unsubscribed listener hears nothing', async () => {
    const prefix = testPrefix('applied');
    const writer = createRevocationWriter({ redis: admin, prefix });
    await writer.setEpoch();
    const feed = new RevocationFeed({ redisUrl: redis.url, prefix, staleAfterMs: 1000, heartbeatMs: 200 });
    const heard: FeedApplied[] = [];
    const gone: FeedApplied[] = [];
    feed.onApplied((applied) => heard.push(applied));
    feed.onApplied((applied) => gone.push(applied))();
    try {
      await feed.start();
      await vi.waitFor(() => expect(heard).toEqual([{ type: 'resynced' }]), { timeout: 2000, interval: 10 });
      const exp = Math.floor(Date.now() / 1000) + 600;
      await writer.revokeSession({ sid: 'session-1', exp });
      await vi.waitFor(
        () => expect(heard.at(-1)).toMatchObject({ type: 'entry', entry: { kind: 'sid', id: 'session-1' } }),
        { timeout: 2000, interval: 10 },
      );
      // The subscriber drops; a revocation published meanwhile comes with the snapshot, announced as a resync.
      await admin.client('KILL', 'TYPE', 'pubsub');
      await writer.revokeSession({ sid: 'session-2', exp });
      await vi.waitFor(() => expect(heard.at(-1)).toEqual({ type: 'resynced' }), {
        timeout: 3000,
        interval: 10,
      });
      expect(feed.cache.isRevoked({ sid: 'session-2', jti: 'j', sub: 'u', iat: 0 } as never)).toBe(true);
      expect(gone).toEqual([]);
    } finally {
      await feed.close();
    }
  });
});
