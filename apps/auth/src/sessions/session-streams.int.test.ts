import { setMaxListeners } from 'node:events';
import { type AccessClaims, AuthError } from '@revoke/auth';
import { RevocationFeed } from '@revoke/auth/internal';
import { testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, revocationKeys } from '@revoke/auth/writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonitoredRedis, startMonitoredRedis } from '../testing/monitored-redis.ts';
import { SessionRevocationHub } from './session-revocation-hub.ts';
import { createBatchedRevocationCheck } from './session-streams.ts';
import { type SessionWatch, watchSession } from './watch-session.ts';

let redis: MonitoredRedis;
beforeAll(async () => {
  redis = await startMonitoredRedis();
});
afterAll(() => redis?.stop());

const nowSec = () => Math.floor(Date.now() / 1000);
const claimsOf = (n: number, iat = nowSec()): AccessClaims => ({
  iss: 'http://auth',
  aud: 'revoke',
  sub: `user-${n % 20}`,
  sid: `session-${n}`,
  jti: `jti-${n}`,
  iat,
  exp: iat + 600,
});

describe('createBatchedRevocationCheck (real Redis)', () => {
  it('answers each token by the same rules as a direct check: jti, sid, user not-before; unknown without an epoch', async () => {
    const prefix = testPrefix('batch-check');
    const writer = createRevocationWriter({ redis: redis.command, prefix });
    const check = createBatchedRevocationCheck(redis.command, revocationKeys(prefix));
    await expect(check(claimsOf(1))).rejects.toSatisfy(
      (error) => error instanceof AuthError && error.code === 'REVOCATION_UNAVAILABLE',
    );
    await writer.setEpoch();
    const iat = nowSec() - 10;
    const [jti, sid, early, late, clear] = [1, 2, 3, 23, 4].map((n) =>
      claimsOf(n, n === 23 ? iat + 20 : iat),
    );
    await writer.revokeToken({ jti: jti!.jti, exp: jti!.exp });
    await writer.revokeSession({ sid: sid!.sid, exp: sid!.exp });
    // user-3 (tokens 3 and 23): revoked for tokens issued before iat + 5 only.
    await writer.revokeUserBefore({ sub: early!.sub, notBefore: iat + 5, exp: iat + 600 });
    const answers = await Promise.all([jti, sid, early, late, clear].map((claims) => check(claims!)));
    expect(answers).toEqual([true, true, true, false, false]);
  });
});

describe('sign-out watches cost Redis one read per batch, not one per stream', () => {
  it('200 watches armed at once, 200 more, a hub reconnect and a re-seed: one MGET each', async () => {
    const prefix = testPrefix('storm');
    const writer = createRevocationWriter({ redis: redis.command, prefix });
    await writer.setEpoch();
    // The hub listens to the app's revocation feed, which holds the process's one subscription.
    const feed = new RevocationFeed({ redisUrl: redis.url, prefix });
    const hub = new SessionRevocationHub({ feed });
    const check = createBatchedRevocationCheck(redis.command, revocationKeys(prefix));
    const controller = new AbortController();
    // One signal for 400 watches: not a leak.
    setMaxListeners(1000, controller.signal);
    const watch = (n: number): SessionWatch =>
      watchSession({
        hub,
        claims: claimsOf(n),
        checkDirect: check,
        isRevokedLocally: () => false,
        signal: controller.signal,
      });
    // Every batch reads the epoch once: a count of reads of it is a count of round trips.
    const epoch = `${prefix}epoch`;
    try {
      // Registered before the hub's first subscription is confirmed: the confirmation re-checks all of them.
      const first = Array.from({ length: 200 }, (_, n) => watch(n));
      void feed.start();
      await Promise.all(first.map((w) => w.armed));
      expect(await redis.readsAfter(epoch, 0)).toBe(1);

      // The hub already subscribed: 200 streams arriving together.
      let before = redis.readsOf(epoch);
      const second = Array.from({ length: 200 }, (_, n) => watch(200 + n));
      await Promise.all(second.map((w) => w.armed));
      expect(await redis.readsAfter(epoch, before)).toBe(1);

      // The hub's connection drops: once re-subscribed, all 400 watchers re-check together.
      before = redis.readsOf(epoch);
      await redis.dropSubscribers();
      expect(await redis.readsAfter(epoch, before)).toBe(1);
      expect(hub.subscribed).toBe(true);

      // Redis re-seeded (a `resync` on the channel): the same.
      before = redis.readsOf(epoch);
      await writer.setEpoch();
      expect(await redis.readsAfter(epoch, before)).toBe(1);

      // Still armed, each on its own: one revoked session ends its stream only.
      const all = [...first, ...second];
      await writer.revokeSession({ sid: 'session-7', exp: nowSec() + 600 });
      expect(await all[7]!.outcome).toEqual({ type: 'revoked' });
      const settled = await Promise.race([
        Promise.race(all.filter((_, n) => n !== 7).map((w) => w.outcome)),
        new Promise((resolve) => setTimeout(() => resolve('still watching'), 300)),
      ]);
      expect(settled).toBe('still watching');
    } finally {
      controller.abort();
      hub.close();
      await feed.close();
    }
  });
});
