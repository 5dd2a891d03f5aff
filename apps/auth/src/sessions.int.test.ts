import { and, count, eq, isNull } from '@revoke/db';
import { refreshTokens } from '@revoke/db/auth';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRefreshToken } from './sessions/refresh-token.ts';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from './testing/test-app.ts';

let app: TestAuthApp;
let strict: TestAuthApp;
beforeAll(async () => {
  [app, strict] = await Promise.all([startTestAuthApp(), startTestAuthApp({ REFRESH_REUSE_GRACE_SEC: '0' })]);
});
afterAll(() => Promise.all([app.close(), strict.close()]));

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The never-rotated refresh tokens of the session an access token belongs to. */
async function liveRefreshTokens(target: TestAuthApp, accessToken: string): Promise<number> {
  const sessionId = String(decodeJwt(accessToken).sid);
  const [row] = await target.db.db
    .select({ n: count() })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.sessionId, sessionId), isNull(refreshTokens.rotatedAt)));
  return row?.n ?? 0;
}

async function loginAgain(
  target: TestAuthApp,
  credentials: { email: string; password: string },
  userAgent: string,
) {
  const login = await target.mutate('auth.login', credentials, { 'user-agent': userAgent });
  expect(login.status).toBe(200);
  return login.body.result.data as { accessToken: string; refreshToken: string };
}

describe('refresh tokens', () => {
  it('rotate on every refresh: a new pair, and the new access token works', async () => {
    const first = await signUpAndLogIn(strict);
    const refreshed = await strict.mutate('auth.refresh', { refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    const pair = refreshed.body.result.data;
    expect(pair.refreshToken).not.toBe(first.refreshToken);
    expect(pair.accessToken).not.toBe(first.accessToken);
    expect(pair.user.id).toBe(first.user.id);
    expect((await strict.query('auth.me', bearer(pair.accessToken))).status).toBe(200);
  });

  it('reuse of a rotated token revokes the whole session, including its live access tokens', async () => {
    const first = await signUpAndLogIn(strict);
    const pair = (await strict.mutate('auth.refresh', { refreshToken: first.refreshToken })).body.result.data;
    const reuse = await strict.mutate('auth.refresh', { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.data.reason).toBe('TOKEN_REVOKED');
    for (const token of [first.accessToken, pair.accessToken]) {
      const me = await strict.query('auth.me', bearer(token));
      expect(me.status).toBe(401);
      expect(me.body.error.data.reason).toBe('TOKEN_REVOKED');
    }
    expect((await strict.mutate('auth.refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
  });

  it('two tabs refreshing with the same token at once both succeed within the grace window, with one successor', async () => {
    const first = await signUpAndLogIn(app);
    const [a, b] = await Promise.all([
      app.mutate('auth.refresh', { refreshToken: first.refreshToken }),
      app.mutate('auth.refresh', { refreshToken: first.refreshToken }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.result.data.refreshToken).toBe(b.body.result.data.refreshToken);
    expect(await liveRefreshTokens(app, first.accessToken)).toBe(1);
    expect((await app.query('auth.me', bearer(a.body.result.data.accessToken))).status).toBe(200);
    expect((await app.query('auth.me', bearer(b.body.result.data.accessToken))).status).toBe(200);
  });

  it('the grace window mints no siblings: a rotated token redeemed again gets the same successor each time', async () => {
    const first = await signUpAndLogIn(app);
    const successor = (await app.mutate('auth.refresh', { refreshToken: first.refreshToken })).body.result
      .data.refreshToken as string;
    for (let i = 0; i < 5; i++) {
      const again = await app.mutate('auth.refresh', { refreshToken: first.refreshToken });
      expect(again.status).toBe(200);
      expect(again.body.result.data.refreshToken).toBe(successor);
      expect((await app.query('auth.me', bearer(again.body.result.data.accessToken))).status).toBe(200);
    }
    expect(await liveRefreshTokens(app, first.accessToken)).toBe(1);
    // The one successor is still single use: it rotates once more.
    const next = await app.mutate('auth.refresh', { refreshToken: successor });
    expect(next.status).toBe(200);
    expect(next.body.result.data.refreshToken).not.toBe(successor);
  });

  it('a token rotated by code older than the seal is refused within the window (TOKEN_REVOKED), the session lives on', async () => {
    const first = await signUpAndLogIn(app);
    const pair = (await app.mutate('auth.refresh', { refreshToken: first.refreshToken })).body.result.data;
    await app.db.db
      .update(refreshTokens)
      .set({ successorSealed: null })
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(first.refreshToken)));
    const again = await app.mutate('auth.refresh', { refreshToken: first.refreshToken });
    expect(again.status).toBe(401);
    expect(again.body.error.data.reason).toBe('TOKEN_REVOKED');
    expect(await liveRefreshTokens(app, first.accessToken)).toBe(1);
    expect((await app.query('auth.me', bearer(pair.accessToken))).status).toBe(200);
    expect((await app.mutate('auth.refresh', { refreshToken: pair.refreshToken })).status).toBe(200);
  });

  it.each([
    ['a made-up token', { refreshToken: 'x'.repeat(43) }, 'TOKEN_INVALID'],
    ['a malformed token', { refreshToken: 'short' }, 'TOKEN_INVALID'],
    ['nothing at all', {}, 'TOKEN_MISSING'],
  ])('refuses %s with 401 %s', async (_, input, reason) => {
    const response = await app.mutate('auth.refresh', input);
    expect(response.status).toBe(401);
    expect(response.body.error.data.reason).toBe(reason);
  });
});

describe('sessions, revokeSession and logoutAll', () => {
  it('lists the devices, marks the current one, and revokes another one', async () => {
    const phone = await signUpAndLogIn(app, newCredentials(), { 'user-agent': 'Phone/1.0' });
    const laptop = await loginAgain(app, phone.credentials, 'Laptop/2.0');
    const list = await app.query('auth.sessions', bearer(laptop.accessToken));
    expect(list.status).toBe(200);
    const sessions = list.body.result.data as { id: string; userAgent: string; current: boolean }[];
    expect(sessions.map((s) => s.userAgent).sort()).toEqual(['Laptop/2.0', 'Phone/1.0']);
    const phoneSession = sessions.find((s) => s.userAgent === 'Phone/1.0')!;
    expect(phoneSession.current).toBe(false);
    expect(sessions.find((s) => s.userAgent === 'Laptop/2.0')!.current).toBe(true);

    const revoke = await app.mutate(
      'auth.revokeSession',
      { sessionId: phoneSession.id },
      bearer(laptop.accessToken),
    );
    expect(revoke.status).toBe(200);
    const phoneMe = await app.query('auth.me', bearer(phone.accessToken));
    expect(phoneMe.body.error.data.reason).toBe('TOKEN_REVOKED');
    expect((await app.mutate('auth.refresh', { refreshToken: phone.refreshToken })).status).toBe(401);
    expect((await app.query('auth.me', bearer(laptop.accessToken))).status).toBe(200);
    const after = (await app.query('auth.sessions', bearer(laptop.accessToken))).body.result.data;
    expect(after).toHaveLength(1);
  });

  it("cannot revoke another user's session: 404, and nothing changes", async () => {
    const alice = await signUpAndLogIn(app);
    const mallory = await signUpAndLogIn(app);
    const aliceSession = (await app.query('auth.sessions', bearer(alice.accessToken))).body.result.data[0].id;
    const attempt = await app.mutate(
      'auth.revokeSession',
      { sessionId: aliceSession },
      bearer(mallory.accessToken),
    );
    expect(attempt.status).toBe(404);
    expect((await app.query('auth.me', bearer(alice.accessToken))).status).toBe(200);
    const bad = await app.mutate(
      'auth.revokeSession',
      { sessionId: 'not-a-uuid' },
      bearer(mallory.accessToken),
    );
    expect(bad.status).toBe(400);
  });

  it('logoutAll revokes every session of the user, and a new login right after works', async () => {
    const first = await signUpAndLogIn(app);
    const second = await loginAgain(app, first.credentials, 'Tablet');
    const third = await loginAgain(app, first.credentials, 'TV');
    const other = await signUpAndLogIn(app);
    const all = await app.mutate('auth.logoutAll', undefined, bearer(second.accessToken));
    expect(all.status).toBe(200);
    expect(all.body.result.data).toEqual({ ok: true, sessions: 3 });
    for (const token of [first.accessToken, second.accessToken, third.accessToken]) {
      const me = await app.query('auth.me', bearer(token));
      expect(me.status).toBe(401);
      expect(me.body.error.data.reason).toBe('TOKEN_REVOKED');
    }
    for (const refreshToken of [first.refreshToken, second.refreshToken, third.refreshToken]) {
      expect((await app.mutate('auth.refresh', { refreshToken })).status).toBe(401);
    }
    // Another user is untouched; the same user can sign in again at once.
    expect((await app.query('auth.me', bearer(other.accessToken))).status).toBe(200);
    const again = await loginAgain(app, first.credentials, 'Phone');
    expect((await app.query('auth.me', bearer(again.accessToken))).status).toBe(200);
  });
});
