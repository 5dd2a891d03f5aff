import { randomUUID } from 'node:crypto';
import { and, count, eq, isNotNull, isNull } from '@revoke/db';
import { refreshTokens, revocations, sessions, users } from '@revoke/db/auth';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appRouter } from '../router.ts';
import { hashRefreshToken } from '../sessions/refresh-token.ts';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';
import { createAppContext, createCallerFactory } from '../trpc.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp({
    REGISTER_MAX_PER_IP: '3',
    REVOKE_MAX_PER_USER: '3',
    REFRESH_MAX_PER_SESSION: '3',
    // Any second use of a rotated refresh token is reuse at once.
    REFRESH_REUSE_GRACE_SEC: '0',
  });
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const rows = async (table: typeof users | typeof revocations | typeof refreshTokens) =>
  (await app.deps.db.select({ n: count() }).from(table))[0]?.n ?? 0;
const revokedSessions = async () =>
  (await app.deps.db.select({ n: count() }).from(sessions).where(isNotNull(sessions.revokedAt)))[0]?.n ?? 0;

/** A caller as a request from `ip` would get; records the headers it sets. */
function callerFrom(ip: string) {
  const headers = new Map<string, string>();
  const ctx = createAppContext(
    app.deps,
    { ip, headers: {}, cookies: {} },
    {
      setCookie: () => undefined,
      clearCookie: () => undefined,
      header: (name, value) => headers.set(name, value),
    },
  );
  return { caller: createCallerFactory(appRouter)(ctx), headers };
}

describe('auth.register: a budget per address, before the password is hashed', () => {
  it('past REGISTER_MAX_PER_IP an address gets TOO_MANY_REQUESTS with Retry-After; nothing hashed or written', async () => {
    const hash = vi.spyOn(app.deps.passwords, 'hash');
    try {
      const { caller } = callerFrom('2001:db8:7:7::1');
      for (let i = 0; i < 3; i++) await caller.auth.register(newCredentials('budget'));
      const [usersBefore, hashesBefore] = [await rows(users), hash.mock.calls.length];
      // Another address of the same IPv6 /64 is the same client.
      const sameNetwork = callerFrom('2001:db8:7:7:ffff::2');
      for (let i = 0; i < 3; i++) {
        const refused = await sameNetwork.caller.auth
          .register(newCredentials('budget'))
          .catch((error) => error);
        expect(refused).toBeInstanceOf(TRPCError);
        expect(refused).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      }
      expect(Number(sameNetwork.headers.get('Retry-After'))).toBeGreaterThan(3500);
      expect(hash.mock.calls.length).toBe(hashesBefore);
      expect(await rows(users)).toBe(usersBefore);
      // Another address still registers.
      await expect(
        callerFrom('2001:db8:7:8::1').caller.auth.register(newCredentials('budget')),
      ).resolves.toBeTruthy();
    } finally {
      hash.mockRestore();
    }
  });
});

describe('revoking calls: one budget per user', () => {
  it('past REVOKE_MAX_PER_USER, logout, revokeSession and /oauth/revoke answer 429 and revoke nothing', async () => {
    const device = await signUpAndLogIn(app, newCredentials('revoker'));
    const other = await app.mutate('auth.login', device.credentials);
    const { accessToken: otherToken, refreshToken: otherRefresh } = other.body.result.data;
    // A made-up session id (404) changes nothing and costs nothing: a thief cannot spend the budget so.
    for (let i = 0; i < 5; i++) {
      const missing = await app.mutate(
        'auth.revokeSession',
        { sessionId: randomUUID() },
        bearer(device.accessToken),
      );
      expect(missing.status).toBe(404);
    }
    // Each revocation that ends something counts.
    for (let i = 0; i < 3; i++) {
      const spare = await app.mutate('auth.login', device.credentials);
      const { sid: spareSid } = JSON.parse(
        Buffer.from(spare.body.result.data.accessToken.split('.')[1], 'base64url').toString(),
      );
      const ended = await app.mutate(
        'auth.revokeSession',
        { sessionId: spareSid },
        bearer(device.accessToken),
      );
      expect(ended.status).toBe(200);
    }
    const before = { revocations: await rows(revocations), revokedSessions: await revokedSessions() };
    const { sid } = JSON.parse(Buffer.from(otherToken.split('.')[1], 'base64url').toString());

    const revokeSession = await app.mutate(
      'auth.revokeSession',
      { sessionId: sid },
      bearer(device.accessToken),
    );
    const logout = await app.mutate('auth.logout', undefined, bearer(device.accessToken));
    for (const answer of [revokeSession, logout]) {
      expect(answer.status).toBe(429);
      expect(answer.body.error.data.code).toBe('TOO_MANY_REQUESTS');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    for (const token of [otherToken, otherRefresh]) {
      const answer = await fetch(`${app.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(answer.status).toBe(429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await answer.json()).toMatchObject({ error: 'too_many_requests' });
    }
    expect({ revocations: await rows(revocations), revokedSessions: await revokedSessions() }).toEqual(
      before,
    );
    expect((await app.query('auth.me', bearer(otherToken))).status).toBe(200);
    expect((await app.query('auth.me', bearer(device.accessToken))).status).toBe(200);

    // "Log out everywhere" is counted apart: the owner can always still use it.
    const everywhere = await app.mutate('auth.logoutAll', undefined, bearer(device.accessToken));
    expect(everywhere.status).toBe(200);
    expect((await app.query('auth.me', bearer(otherToken))).status).toBe(401);
  });
});

describe('auth.refresh: a budget per session', () => {
  it('past REFRESH_MAX_PER_SESSION a refresh answers 429 and rotates nothing', async () => {
    const first = await signUpAndLogIn(app, newCredentials('refresher'));
    const { credentials } = first;
    let { refreshToken } = first;
    for (let i = 0; i < 3; i++) {
      const rotated = await app.mutate('auth.refresh', { refreshToken });
      expect(rotated.status).toBe(200);
      refreshToken = rotated.body.result.data.refreshToken;
    }
    const tokensBefore = await rows(refreshTokens);
    const refused = await app.mutate('auth.refresh', { refreshToken });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await rows(refreshTokens)).toBe(tokensBefore);
    const [presented] = await app.deps.db
      .select({ rotatedAt: refreshTokens.rotatedAt })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)));
    expect(presented?.rotatedAt).toBeNull();
    // Another session of the same user has its own budget.
    const second = await app.mutate('auth.login', credentials);
    const again = await app.mutate('auth.refresh', { refreshToken: second.body.result.data.refreshToken });
    expect(again.status).toBe(200);
  });

  it('reuse is never refused: a thief who spent the budget on a stolen copy cannot delay the session ending', async () => {
    const { refreshToken: ownersCopy, user } = await signUpAndLogIn(app, newCredentials('stolen'));
    let stolen = ownersCopy;
    for (let i = 0; i < 3; i++) {
      const rotated = await app.mutate('auth.refresh', { refreshToken: stolen });
      expect(rotated.status).toBe(200);
      stolen = rotated.body.result.data.refreshToken;
    }
    expect((await app.mutate('auth.refresh', { refreshToken: stolen })).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The owner's copy was rotated before: reuse, answered at once, and the session ends.
    const owner = await app.mutate('auth.refresh', { refreshToken: ownersCopy });
    expect(owner.status).toBe(401);
    expect(owner.body.error.data.reason).toBe('TOKEN_REVOKED');
    const live = await app.deps.db
      .select({ n: count() })
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
    expect(live[0]?.n).toBe(0);
  });
});
