import { RevocationFeed } from '@revoke/auth/internal';
import { type PrivateRedis, startPrivateRedis } from '@revoke/auth/testing';
import { count, isNull } from '@revoke/db';
import { revocations } from '@revoke/db/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from './testing/test-app.ts';

let redis: PrivateRedis;
let app: TestAuthApp;
/** Another service's view: a feed of its own on the same Redis. */
let otherService: RevocationFeed;

beforeAll(async () => {
  redis = await startPrivateRedis();
  app = await startTestAuthApp({ REDIS_URL: redis.url });
  otherService = new RevocationFeed({
    redisUrl: redis.url,
    prefix: app.deps.env.REVOCATION_PREFIX,
    heartbeatMs: 200,
  });
  await otherService.start();
});
afterAll(async () => {
  await otherService.close();
  await app.close();
  await redis.stop();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const unrelayed = async () =>
  (await app.deps.db.select({ n: count() }).from(revocations).where(isNull(revocations.relayedAt)))[0]!.n;

/** Waits (up to 10 s: Redis is coming back) until the app refuses `accessToken` as revoked. */
async function expectRefusedAsRevoked(accessToken: string): Promise<void> {
  await expect
    .poll(async () => (await app.query('auth.me', bearer(accessToken))).body?.error?.data?.reason, {
      timeout: 10_000,
      interval: 5,
    })
    .toBe('TOKEN_REVOKED');
}

describe('Redis faults', () => {
  it('Redis restarted empty: revocations are re-seeded from Postgres and still enforced everywhere', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const claims = await app.deps.guard.authenticate(accessToken);
    await app.mutate('auth.logout', undefined, bearer(accessToken));
    await expect.poll(() => otherService.cache.isRevoked(claims), { interval: 5 }).toBe(true);

    await redis.restart();
    // The guardian notices (epoch gone, run_id changed) and writes every live revocation back.
    await expect
      .poll(
        async () =>
          await app.deps.redis.exists(`${app.deps.env.REVOCATION_PREFIX}jti:${claims.jti}`).catch(() => 0),
        { timeout: 10_000, interval: 5 },
      )
      .toBe(1);
    expect(app.deps.guardian.reseeds).toBeGreaterThanOrEqual(1);
    // A service that starts only now, with an empty cache, loads it from the snapshot.
    const lateService = new RevocationFeed({ redisUrl: redis.url, prefix: app.deps.env.REVOCATION_PREFIX });
    await lateService.start();
    expect(lateService.cache.isRevoked(claims)).toBe(true);
    await lateService.close();
    await expectRefusedAsRevoked(accessToken);
  });

  it('Redis down during logout: not acknowledged (503, retry), but kept, and relayed when Redis returns', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const claims = await app.deps.guard.authenticate(accessToken);
    await redis.stop();
    try {
      // A 200 would promise that every service refuses the token within S, which no service can
      // know while Redis lacks it: the answer says so, and the logout stays committed.
      const logout = await app.mutate('auth.logout', undefined, bearer(accessToken));
      expect(logout.status).toBe(503);
      expect(logout.body.error.data.reason).toBe('REVOCATION_UNAVAILABLE');
      expect(logout.body.error.message).toMatch(/not yet confirmed by every service.*Retry to confirm/);
      expect(JSON.stringify(logout.body)).not.toMatch(/stack|at .*\.ts:/);
      // The session cookies are cleared all the same: this device is logged out.
      expect(logout.headers.getSetCookie().join('\n')).toMatch(/access_token=;/);
      expect(await unrelayed()).toBeGreaterThan(0);
      // Meanwhile the app refuses what it cannot vouch for, rather than accept a logged-out token.
      await expect
        .poll(async () => (await app.query('auth.me', bearer(accessToken))).status !== 200, {
          timeout: 10_000,
          interval: 5,
        })
        .toBe(true);
      const me = await app.query('auth.me', bearer(accessToken));
      expect([401, 503]).toContain(me.status);
    } finally {
      await redis.restart();
    }
    await expect.poll(() => unrelayed(), { timeout: 10_000, interval: 5 }).toBe(0);
    await expect
      .poll(() => otherService.cache.isRevoked(claims), { timeout: 10_000, interval: 5 })
      .toBe(true);
    await expectRefusedAsRevoked(accessToken);
    // Retrying, as the 503 asked, now confirms it.
    expect((await app.mutate('auth.logout', undefined, bearer(accessToken))).status).toBe(200);
  });

  it('POST /oauth/revoke while Redis is down: 503 with Retry-After (RFC 7009), and the token still ends up revoked', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    await redis.stop();
    try {
      const response = await fetch(`${app.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: accessToken }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      await redis.restart();
    }
    await expectRefusedAsRevoked(accessToken);
  });
});
