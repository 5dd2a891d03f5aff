import { createRedisClient, RevocationFeed } from '@revoke/auth/internal';
import { type PrivateRedisCluster, startPrivateRedisCluster } from '@revoke/auth/testing';
import { createRevocationWriter, type RedisClient, revocationKeys } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginRateLimiter } from '../http/rate-limit.ts';
import { type HubSignal, SessionRevocationHub } from '../sessions/session-revocation-hub.ts';
import { signUpAndLogIn, startTestAuthApp } from '../testing/test-app.ts';
import { UnsafeRedisError } from './redis-guardian.ts';

/** The `jti` claim of a compact JWS (no verification: the test minted it). */
const jtiOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti;

let cluster: PrivateRedisCluster;
let redis: RedisClient;
beforeAll(async () => {
  cluster = await startPrivateRedisCluster();
  redis = createRedisClient({ cluster: { nodes: cluster.nodes } });
  redis.on('error', () => {});
}, 60_000);
afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

describe('the auth app on a Redis Cluster', () => {
  it('refuses to start when any master may evict keys, naming it', async () => {
    const port = await cluster.masterOf(0);
    const master = new Redis(port, '127.0.0.1');
    try {
      await master.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const started = startTestAuthApp({ REDIS_CLUSTER_NODES: cluster.nodesEnv });
      await expect(started).rejects.toThrow(UnsafeRedisError);
      await expect(started).rejects.toThrow(`127.0.0.1:${port}`);
    } finally {
      await master.config('SET', 'maxmemory-policy', 'noeviction');
      master.disconnect();
    }
  });

  it('counts login attempts in the cluster, shared by every process', async () => {
    const options = { redis, prefix: `limit-${Date.now()}:`, perAccount: { points: 2, durationSec: 60 } };
    // Two limiters: two auth processes, each with its own in-memory insurance.
    const [first, second] = [createLoginRateLimiter(options), createLoginRateLimiter(options)];
    const attempt = { ip: '203.0.113.7', email: 'someone@example.com' };
    expect(await first.check(attempt)).toEqual({ allowed: true });
    expect(await second.check(attempt)).toEqual({ allowed: true });
    expect(await first.check(attempt)).toMatchObject({ allowed: false });
  });

  it('session events: the hub hears a revocation on any shard by sharded pub/sub', async () => {
    const prefix = `hub-${Date.now()}:`;
    const feed = new RevocationFeed({ redisCluster: { nodes: cluster.nodes }, prefix });
    const hub = new SessionRevocationHub({ feed });
    const writer = createRevocationWriter({ redis, prefix });
    await writer.setEpoch();
    void feed.start();
    try {
      const exp = Math.floor(Date.now() / 1000) + 600;
      const heard: HubSignal[][] = [];
      const tokens = Array.from({ length: 6 }, (_, i) => {
        const signals: HubSignal[] = [];
        heard.push(signals);
        const claims = { iss: 'i', aud: 'a', sub: `u${i}`, sid: `s${i}`, jti: `j${i}`, iat: exp - 900, exp };
        hub.watch(claims, (signal) => signals.push(signal));
        return claims;
      });
      await expect.poll(() => hub.subscribed, { timeout: 5000, interval: 5 }).toBe(true);
      for (const { jti } of tokens) await writer.revokeToken({ jti, exp });
      await expect
        .poll(() => heard.every((signals) => signals.some((signal) => signal.type === 'revoked')), {
          interval: 5,
        })
        .toBe(true);
    } finally {
      hub.close();
      await feed.close();
    }
  });

  it('re-seeds from Postgres when a master is replaced by a replica that missed revocations', async () => {
    const app = await startTestAuthApp({ REDIS_CLUSTER_NODES: cluster.nodesEnv, REVOCATION_SHARDS: '4' });
    try {
      const prefix = app.deps.env.REVOCATION_PREFIX;
      const keys = revocationKeys(prefix, { shards: 4 });
      const tokens = await Promise.all(Array.from({ length: 8 }, () => signUpAndLogIn(app)));
      for (const { accessToken } of tokens) {
        const logout = await app.mutate('auth.logout', undefined, { authorization: `Bearer ${accessToken}` });
        expect(logout.status).toBe(200);
      }
      const entries = tokens.map(({ accessToken }) => keys.entry('jti', jtiOf(accessToken)));
      await expect
        .poll(async () => (await Promise.all(entries.map((key) => redis.exists(key)))).every(Boolean), {
          interval: 5,
        })
        .toBe(true);

      // The replica of shard 0's master misses every revocation of its shards; the epochs survive.
      const victim = await cluster.masterOf(keys.shards[0]!.index);
      for (const [n, shard] of keys.shards.entries()) {
        if ((await cluster.masterOf(shard.index)) === victim)
          await cluster.loseOnReplicas(shard.index, `${prefix}{${n}}:*`, shard.epoch);
      }
      const reseeds = app.deps.guardian.reseeds;
      await cluster.killMaster(keys.shards[0]!.index);
      await expect
        .poll(() => app.deps.guardian.reseeds > reseeds, { timeout: 10_000, interval: 5 })
        .toBe(true);
      await expect
        .poll(
          async () =>
            (await Promise.all(entries.map((key) => redis.exists(key).catch(() => 0)))).every(Boolean),
          { timeout: 5000, interval: 5 },
        )
        .toBe(true);
    } finally {
      await app.close();
    }
  }, 60_000);
});
