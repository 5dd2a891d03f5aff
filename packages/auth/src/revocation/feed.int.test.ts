import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { createAuthGuard } from '../guard.ts';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../testing/redis-server.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { localKeys } from '../verify/key-source.ts';
import { createTokenVerifier } from '../verify/verify-token.ts';
import { RevocationFeed, type RevocationFeedOptions } from './feed.ts';
import { createRevocationWriter, type RevocationWriter } from './writer.ts';

const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Short S and heartbeat so fault tests finish in seconds; the defaults are 3 s and 1 s.
const FAST = { staleAfterMs: 1000, heartbeatMs: 200, directTimeoutMs: 200 } as const;

const nowSec = () => Math.floor(Date.now() / 1000);
let serial = 0;
function claims(overrides: Partial<AccessClaims> = {}): AccessClaims {
  serial++;
  return {
    iss: 'i',
    aud: 'a',
    sub: `u${serial}`,
    sid: `s${serial}`,
    jti: `j${serial}`,
    iat: nowSec(),
    exp: nowSec() + 900,
    ...overrides,
  };
}

const open: { close(): unknown; disconnect?: never }[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
  for (const client of clients.splice(0)) client.disconnect();
});

function feedOn(url: string, prefix: string, options: RevocationFeedOptions = {}): RevocationFeed {
  const feed = new RevocationFeed({ redisUrl: url, prefix, ...FAST, ...options });
  open.push(feed);
  return feed;
}

/** A client for the test's own writes; restarts are expected, so connection errors are not news. */
function clientOn(url: string): Redis {
  const redis = new Redis(url);
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

async function writerOn(url: string, prefix: string, clockToleranceSec = 5): Promise<RevocationWriter> {
  const writer = createRevocationWriter({ redis: clientOn(url), prefix, clockToleranceSec });
  await writer.setEpoch();
  return writer;
}

describe('revocation feed on the shared Redis', () => {
  it('loads entries written before it started (subscribe, then snapshot)', async () => {
    const prefix = testPrefix('feed');
    const writer = await writerOn(SHARED_REDIS, prefix);
    const c = claims();
    await writer.revokeToken({ jti: c.jti, exp: c.exp });
    const feed = feedOn(SHARED_REDIS, prefix);
    await feed.start();
    expect(feed.ready).toBe(true);
    expect(feed.cache.isRevoked(c)).toBe(true);
    expect(feed.cache.isRevoked(claims())).toBe(false);
  });

  it('loads a snapshot larger than one ZSCAN batch completely', async () => {
    const prefix = testPrefix('feed');
    const writer = await writerOn(SHARED_REDIS, prefix);
    const exp = nowSec() + 600;
    const ids = Array.from({ length: 25_000 }, (_, i) => `token-${i}`);
    await writer.seed(ids.map((id) => ({ kind: 'jti' as const, id, exp })));
    await writer.setEpoch();
    const feed = feedOn(SHARED_REDIS, prefix);
    await feed.start();
    expect(feed.cache.sizes().jti).toBe(ids.length);
    expect(ids.every((jti) => feed.cache.isRevoked({ ...claims(), jti }))).toBe(true);
    await clientOn(SHARED_REDIS).del(`${prefix}index`, ...ids.map((id) => `${prefix}jti:${id}`));
  });

  it('applies a revocation made elsewhere in every feed, within one pub/sub hop', async () => {
    const prefix = testPrefix('feed');
    const writer = await writerOn(SHARED_REDIS, prefix);
    const feeds = [feedOn(SHARED_REDIS, prefix), feedOn(SHARED_REDIS, prefix)];
    await Promise.all(feeds.map((feed) => feed.start()));
    const [token, session, user] = [claims(), claims(), claims({ iat: nowSec() - 10 })];
    await writer.revokeToken({ jti: token.jti, exp: token.exp });
    await writer.revokeSession({ sid: session.sid, exp: session.exp });
    await writer.revokeUserBefore({ sub: user.sub, notBefore: nowSec(), exp: user.exp });
    for (const feed of feeds) {
      await vi.waitFor(
        () => expect([token, session, user].map((c) => feed.cache.isRevoked(c))).toEqual([true, true, true]),
        {
          timeout: 1000,
          interval: 5,
        },
      );
    }
    // A token of the same user issued after the not-before is still good.
    expect(feeds[0]!.cache.isRevoked({ ...user, jti: 'new', sid: 'new', iat: nowSec() + 1 })).toBe(false);
  });

  it('is not ready while Redis holds no epoch (never seeded), and becomes ready once it does', async () => {
    const prefix = testPrefix('feed');
    const feed = feedOn(SHARED_REDIS, prefix);
    const started = feed.start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(feed.ready).toBe(false);
    expect(feed.isFresh()).toBe(false);
    await writerOn(SHARED_REDIS, prefix);
    await started;
    expect(feed.ready).toBe(true);
    expect(feed.isFresh()).toBe(true);
  });
});

describe('revocation feed under faults (private redis-server)', () => {
  let redis: PrivateRedis;
  let signer: TestSigner;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    signer = await createTestSigner();
  });
  afterAll(() => redis.stop());

  function guardFor(feed: RevocationFeed) {
    const verifier = createTokenVerifier({
      issuer: signer.issuer,
      audience: signer.audience,
      keys: localKeys(signer.jwks),
    });
    return createAuthGuard({ verifier, feed });
  }

  it('still rejects a token revoked while its subscriber connection was killed', async () => {
    const prefix = testPrefix('fault');
    const writer = await writerOn(redis.url, prefix);
    const feed = feedOn(redis.url, prefix);
    await feed.start();
    const admin = clientOn(redis.url);
    const c = claims();
    // Kill the subscriber and revoke in the same breath: the event has no receiver.
    await admin.client('KILL', 'TYPE', 'pubsub');
    await writer.revokeToken({ jti: c.jti, exp: c.exp });
    await vi.waitFor(() => expect(feed.cache.isRevoked(c)).toBe(true), { timeout: 3000, interval: 20 });
    await vi.waitFor(() => expect(feed.status().synced).toBe(true), { timeout: 3000, interval: 20 });
  });

  it('a snapshot that outlived its subscriber does not make the feed fresh while an event lost in the gap is missing', async () => {
    const prefix = testPrefix('fault');
    const writer = await writerOn(redis.url, prefix);
    const admin = clientOn(redis.url);
    const lost = claims();
    let ackAt = Number.POSITIVE_INFINITY;
    let scans = 0;
    const proto = Redis.prototype as unknown as { zscan: (...args: unknown[]) => Promise<unknown> };
    const zscan = proto.zscan;
    // Interleaving: snapshot A has read the index; the subscriber drops, a revocation is published to nobody,
    // the subscriber comes back (and asks for snapshot B); A then completes. B fails (a timeout, say).
    proto.zscan = async function (this: Redis, ...args: unknown[]) {
      if (!String(args[0]).startsWith(prefix)) return zscan.apply(this, args);
      scans++;
      if (scans === 2) throw new Error('snapshot B failed (test)');
      const reply = await zscan.apply(this, args);
      if (scans === 1) {
        await admin.client('KILL', 'TYPE', 'pubsub');
        await writer.revokeToken({ jti: lost.jti, exp: lost.exp });
        ackAt = Date.now();
        await vi.waitFor(
          async () => expect(await admin.pubsub('NUMSUB', `${prefix}events`)).toEqual([`${prefix}events`, 1]),
          { timeout: 3000, interval: 10 },
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return reply;
    };
    try {
      const feed = feedOn(redis.url, prefix);
      await feed.start();
      // Past S after the acknowledgement, the feed must either hold the entry or not call itself fresh.
      const until = ackAt + FAST.staleAfterMs + 1500;
      while (Date.now() < until) {
        if (Date.now() > ackAt + FAST.staleAfterMs + 50) {
          expect(feed.isFresh() && !feed.cache.isRevoked(lost)).toBe(false);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await vi.waitFor(() => expect(feed.cache.isRevoked(lost)).toBe(true), { timeout: 3000, interval: 20 });
    } finally {
      delete (Redis.prototype as unknown as { zscan?: unknown }).zscan;
    }
  });

  it('a Redis restarted empty makes the feed stale, not "nothing revoked", until it is re-seeded', async () => {
    const prefix = testPrefix('fault');
    const writer = await writerOn(redis.url, prefix);
    const feed = feedOn(redis.url, prefix);
    const guard = guardFor(feed);
    await feed.start();
    const revoked = await signer.sign();
    const revokedClaims = await guard.authenticate(revoked);
    await writer.revokeToken({ jti: revokedClaims.jti, exp: revokedClaims.exp });
    await vi.waitFor(() => expect(feed.cache.isRevoked(revokedClaims)).toBe(true), {
      timeout: 1000,
      interval: 5,
    });

    await redis.restart();
    const other = await signer.sign();
    // The local cache keeps what it knew, whatever Redis says now.
    await expect(guard.authenticate(revoked)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    // Past S, an unknown token cannot be vouched for: fail closed by default, fail open only on request.
    await vi.waitFor(() => expect(feed.isFresh()).toBe(false), { timeout: 3000, interval: 20 });
    await expect(guard.authenticate(other)).rejects.toMatchObject({ code: 'REVOCATION_UNAVAILABLE' });
    await expect(guard.authenticate(other, { failOpen: true })).resolves.toMatchObject({
      sub: expect.any(String),
    });

    // The auth app's relay re-seeds from Postgres and sets a new epoch: the feed trusts Redis again.
    const reseeder = await writerOn(redis.url, prefix);
    await reseeder.seed([{ kind: 'jti', id: revokedClaims.jti, exp: revokedClaims.exp }]);
    await reseeder.setEpoch();
    await vi.waitFor(() => expect(feed.isFresh()).toBe(true), { timeout: 3000, interval: 20 });
    await expect(guard.authenticate(other)).resolves.toMatchObject({ sub: expect.any(String) });
    await expect(guard.authenticate(revoked)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('notices FLUSHALL through the epoch within a heartbeat or two', async () => {
    const prefix = testPrefix('fault');
    await writerOn(redis.url, prefix);
    const feed = feedOn(redis.url, prefix);
    await feed.start();
    const admin = clientOn(redis.url);
    await admin.flushall();
    await vi.waitFor(() => expect(feed.status().epoch).toBeNull(), { timeout: 1000, interval: 20 });
    await vi.waitFor(() => expect(feed.isFresh()).toBe(false), { timeout: 2000, interval: 20 });
  });

  it('detects a frozen Redis (SIGSTOP) by the heartbeat within S, fails closed, and recovers after SIGCONT', async () => {
    const prefix = testPrefix('fault');
    await writerOn(redis.url, prefix);
    const feed = feedOn(redis.url, prefix);
    const guard = guardFor(feed);
    await feed.start();
    const token = await signer.sign();
    await guard.authenticate(token);

    const frozenAt = Date.now();
    redis.freeze();
    try {
      await vi.waitFor(() => expect(feed.isFresh()).toBe(false), { timeout: 3000, interval: 10 });
      const detectedAfter = Date.now() - frozenAt;
      expect(detectedAfter).toBeLessThanOrEqual(FAST.staleAfterMs + FAST.heartbeatMs + 100);
      const started = Date.now();
      await expect(guard.authenticate(token)).rejects.toMatchObject({ code: 'REVOCATION_UNAVAILABLE' });
      // Refused within the direct-check budget, not hung on the frozen server.
      expect(Date.now() - started).toBeLessThan(FAST.directTimeoutMs + 500);
    } finally {
      redis.thaw();
    }
    await vi.waitFor(() => expect(feed.isFresh()).toBe(true), { timeout: 5000, interval: 20 });
    await expect(guard.authenticate(token)).resolves.toMatchObject({ jti: expect.any(String) });
  });

  it('drops entries from the cache when they expire', async () => {
    const prefix = testPrefix('fault');
    const writer = await writerOn(redis.url, prefix, 0);
    const feed = feedOn(redis.url, prefix);
    await feed.start();
    const c = claims({ exp: nowSec() + 1 });
    await writer.revokeToken({ jti: c.jti, exp: c.exp });
    await vi.waitFor(() => expect(feed.cache.isRevoked(c)).toBe(true), { timeout: 1000, interval: 5 });
    await vi.waitFor(() => expect(feed.cache.size).toBe(0), { timeout: 4000, interval: 50 });
  });
});
