import { readIssuerPolicy } from '@revoke/auth/internal';
import { revocationKeys } from '@revoke/auth/writer';
import { revocations } from '@revoke/db/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp({ CLOCK_TOLERANCE_SEC: '5' });
});
afterAll(() => app?.close());

describe('re-seeding Redis from Postgres', () => {
  it('writes back a revocation past its expiry but within the clock tolerance, which verifiers still honour', async () => {
    const now = Date.now();
    // Expired 2 s ago: a verifier with 5 s of tolerance still accepts its token, so it must stay revoked.
    const recent = { kind: 'jti' as const, subject: `recent-${now}`, expiresAt: new Date(now - 2000) };
    // Expired past the tolerance: no verifier accepts its token; writing it back would be garbage.
    const old = { kind: 'jti' as const, subject: `old-${now}`, expiresAt: new Date(now - 10_000) };
    await app.deps.db
      .insert(revocations)
      .values([recent, old].map((row) => ({ ...row, reason: 'test', actor: 'system' })));
    const keys = revocationKeys(app.deps.env.REVOCATION_PREFIX);
    // Redis "lost its data": the re-seed writes every row still live for a verifier.
    await app.deps.redis.del(keys.entry('jti', recent.subject), keys.entry('jti', old.subject));
    await app.deps.guardian.reseed();
    expect(await app.deps.redis.exists(keys.entry('jti', recent.subject))).toBe(1);
    expect(await app.deps.redis.exists(keys.entry('jti', old.subject))).toBe(0);
    const expireAt = Number(await app.deps.redis.call('EXPIRETIME', keys.entry('jti', recent.subject)));
    expect(expireAt).toBe(Math.ceil(recent.expiresAt.getTime() / 1000) + 5);
  });
});

describe('the token policy services check at start', () => {
  it('is written at start and again after a re-seed: this app’s clock tolerance and token lifetime', async () => {
    const keys = revocationKeys(app.deps.env.REVOCATION_PREFIX);
    const expected = { clockToleranceSec: 5, maxTokenLifetimeSec: app.deps.env.ACCESS_TOKEN_TTL_SEC };
    expect(await readIssuerPolicy(app.deps.redis, keys)).toEqual(expected);
    // Redis lost its data: the re-seed writes the policy back before the epoch.
    await app.deps.redis.del(keys.policy, keys.epoch);
    await app.deps.guardian.check();
    expect(await readIssuerPolicy(app.deps.redis, keys)).toEqual(expected);
    expect(await app.deps.redis.exists(keys.epoch)).toBe(1);
  });
});
