import { and, desc, eq } from '@revoke/db';
import { auditLog, sessions, users } from '@revoke/db/auth';
import { openSse, type SseStream } from '@revoke/testkit/sse';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from './testing/test-app.ts';

const WEB_ORIGIN = 'http://127.0.0.1:5173';
const NEW_PASSWORD = 'a brand new passphrase';
const MAX_FAILURES = 4;

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp({ WEB_ORIGIN, LOGIN_MAX_FAILURES: String(MAX_FAILURES) });
});
afterAll(() => app?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
type Pair = { accessToken: string; refreshToken: string };

/** A user signed in on three devices: A (the one acting), B and C. */
async function threeDevices() {
  const a = await signUpAndLogIn(app, newCredentials('account'), { 'user-agent': 'A' });
  const login = async (agent: string) =>
    (await app.mutate('auth.login', a.credentials, { 'user-agent': agent })).body.result.data as Pair;
  return { a, b: await login('B'), c: await login('C') };
}

/** What a wrong or refused call must leave as it was. */
async function stateOf(userId: string) {
  const [user] = await app.db.db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  const live = await app.db.db
    .select({ id: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(eq(sessions.userId, userId));
  return { hash: user?.passwordHash, sessions: live.map((s) => `${s.id}:${s.revokedAt ?? 'live'}`).sort() };
}

async function lastAudit(action: string, target: string) {
  const [row] = await app.db.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.target, target)))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row;
}

async function expectRevoked(token: string) {
  const me = await app.query('auth.me', bearer(token));
  expect(me.status).toBe(401);
  expect(me.body.error.data.reason).toBe('TOKEN_REVOKED');
}

/** Opens `auth.sessionEvents` and waits until it is armed. */
async function watching(token: string): Promise<SseStream> {
  const stream = await openSse(`${app.url}/trpc/auth.sessionEvents`, bearer(token));
  expect((await stream.next()).event).toBe('connected');
  expect((await stream.next()).data).toMatchObject({ type: 'watching' });
  return stream;
}

describe('auth.changePassword', () => {
  it('ends every other session, rotates this one, and only the new password signs in', async () => {
    const { a, b, c } = await threeDevices();
    const other = await signUpAndLogIn(app);
    const changed = await app.mutate(
      'auth.changePassword',
      { currentPassword: a.credentials.password, newPassword: NEW_PASSWORD },
      bearer(a.accessToken),
    );
    expect(changed.status).toBe(200);
    const data = changed.body.result.data;
    expect(data).toMatchObject({ endedSessions: 2, user: { id: a.user.id, email: a.credentials.email } });
    expect(Object.keys(data).sort()).toEqual([
      'accessToken',
      'endedSessions',
      'expiresAt',
      'refreshToken',
      'user',
    ]);
    // The same session, with new tokens; cookies set as login sets them.
    expect(decodeJwt(data.accessToken).sid).toBe(decodeJwt(a.accessToken).sid);
    expect(data.refreshToken).not.toBe(a.refreshToken);
    const cookies = changed.headers.getSetCookie().join('\n');
    expect(cookies).toContain(`access_token=${data.accessToken}`);
    expect(cookies).toContain(`refresh_token=${data.refreshToken}`);

    // B and C: access tokens refused, refresh tokens dead. A's old access and refresh token too.
    for (const device of [b, c]) {
      await expectRevoked(device.accessToken);
      expect((await app.mutate('auth.refresh', { refreshToken: device.refreshToken })).status).toBe(401);
    }
    await expectRevoked(a.accessToken);
    const oldRefresh = await app.mutate('auth.refresh', { refreshToken: a.refreshToken });
    expect(oldRefresh.status).toBe(401);
    // A keeps working with its new pair, and its new refresh token rotates.
    expect((await app.query('auth.me', bearer(data.accessToken))).status).toBe(200);
    const refreshed = await app.mutate('auth.refresh', { refreshToken: data.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await app.query('auth.me', bearer(refreshed.body.result.data.accessToken))).status).toBe(200);
    const list = (await app.query('auth.sessions', bearer(data.accessToken))).body.result.data;
    expect(list).toHaveLength(1);
    expect(list[0].current).toBe(true);
    // Another user is untouched.
    expect((await app.query('auth.me', bearer(other.accessToken))).status).toBe(200);

    const oldLogin = await app.mutate('auth.login', a.credentials);
    expect(oldLogin.status).toBe(401);
    expect(oldLogin.body.error.message).toBe('Invalid e-mail or password');
    const newLogin = await app.mutate('auth.login', { email: a.credentials.email, password: NEW_PASSWORD });
    expect(newLogin.status).toBe(200);

    const audit = await lastAudit('change_password', a.user.id);
    expect(audit).toMatchObject({ actor: a.user.id, detail: { reason: 'password_changed', sessions: 2 } });
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
    const [ended] = await app.db.db
      .select({ reason: sessions.revokedReason })
      .from(sessions)
      .where(eq(sessions.id, String(decodeJwt(b.accessToken).sid)));
    expect(ended?.reason).toBe('password_changed');
  });

  it("ends the other device's sign-out stream with password_changed; this device's stream stays armed", async () => {
    const { a, b } = await threeDevices();
    const streamA = await watching(a.accessToken);
    const streamB = await watching(b.accessToken);
    const started = performance.now();
    const changed = await app.mutate(
      'auth.changePassword',
      { currentPassword: a.credentials.password, newPassword: NEW_PASSWORD },
      bearer(a.accessToken),
    );
    expect(changed.status).toBe(200);
    const event = await streamB.next();
    expect(event.data).toEqual({ type: 'revoked', reason: 'password_changed' });
    expect((await streamB.next()).event).toBe('return');
    const elapsed = performance.now() - started;
    console.log(`sessionEvents: changePassword → other device's revoked event in ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(2000);
    // A's old token is revoked, but its session lives on: its stream says refresh and subscribe again...
    expect((await streamA.next()).data).toEqual({ type: 'expired' });
    // ...and a stream opened with the new token is armed and stays so.
    const fresh = await watching(changed.body.result.data.accessToken);
    await expect(fresh.next(300)).rejects.toThrow(/no event/);
    fresh.close();
  });

  it('in a browser (Origin, cookies, CSRF header): no token in the body, new cookies', async () => {
    const a = await signUpAndLogIn(app);
    const changed = await app.mutate(
      'auth.changePassword',
      { currentPassword: a.credentials.password, newPassword: NEW_PASSWORD },
      { cookie: `access_token=${a.accessToken}`, origin: WEB_ORIGIN, 'x-revoke-csrf': '1' },
    );
    expect(changed.status).toBe(200);
    expect(Object.keys(changed.body.result.data).sort()).toEqual(['endedSessions', 'expiresAt', 'user']);
    const cookies = changed.headers.getSetCookie();
    const access = cookies.find((cookie) => cookie.startsWith('access_token='))!;
    expect(access).toMatch(/HttpOnly/i);
    const cookieHeader = cookies.map((cookie) => cookie.split(';')[0]).join('; ');
    expect((await app.query('auth.me', { cookie: cookieHeader })).status).toBe(200);
    // Without the CSRF header a cookie cannot change the password.
    const forged = await app.mutate(
      'auth.changePassword',
      { currentPassword: NEW_PASSWORD, newPassword: 'another passphrase' },
      { cookie: cookieHeader, origin: WEB_ORIGIN },
    );
    expect(forged.status).toBe(403);
  });

  it('a wrong current password → 401 as a failed login, nothing changed; counted on the login limiter', async () => {
    const { a, b } = await threeDevices();
    const before = await stateOf(a.user.id);
    for (let i = 0; i < MAX_FAILURES; i++) {
      const wrong = await app.mutate(
        'auth.changePassword',
        { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
        bearer(a.accessToken),
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.data.code).toBe('UNAUTHORIZED');
      expect(wrong.body.error.data.reason).toBeUndefined();
      expect(wrong.body.error.message).toBe('The current password is incorrect');
      expect(wrong.headers.getSetCookie()).toEqual([]);
    }
    expect(await stateOf(a.user.id)).toEqual(before);
    for (const token of [a.accessToken, b.accessToken])
      expect((await app.query('auth.me', bearer(token))).status).toBe(200);
    // The same budget as login: past it, even the right password is refused, at both doors.
    const limited = await app.mutate(
      'auth.changePassword',
      { currentPassword: a.credentials.password, newPassword: NEW_PASSWORD },
      bearer(a.accessToken),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await app.mutate('auth.login', a.credentials)).status).toBe(429);
    expect(await stateOf(a.user.id)).toEqual(before);
  });

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['no current password', { newPassword: NEW_PASSWORD }],
    ['no new password', { currentPassword: 'x' }],
    ['a new password of 7 characters', { currentPassword: 'x', newPassword: 'x'.repeat(7) }],
    ['a new password of 1025 characters', { currentPassword: 'x', newPassword: 'x'.repeat(1025) }],
    [
      'a current password of 1025 characters',
      { currentPassword: 'x'.repeat(1025), newPassword: NEW_PASSWORD },
    ],
    ['a number', { currentPassword: 12345678, newPassword: NEW_PASSWORD }],
    ['an array', { currentPassword: 'x', newPassword: [NEW_PASSWORD] }],
    ['an extra key', { currentPassword: 'x', newPassword: NEW_PASSWORD, userId: 'someone' }],
  ])('refuses %s with 400, changing nothing', async (_, input) => {
    const a = await signUpAndLogIn(app);
    const before = await stateOf(a.user.id);
    const answer = await app.mutate('auth.changePassword', input, bearer(a.accessToken));
    expect(answer.status).toBe(400);
    expect(await stateOf(a.user.id)).toEqual(before);
    expect((await app.query('auth.me', bearer(a.accessToken))).status).toBe(200);
  });

  it('needs a valid access token', async () => {
    const answer = await app.mutate('auth.changePassword', {
      currentPassword: 'x',
      newPassword: NEW_PASSWORD,
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error.data.reason).toBe('TOKEN_MISSING');
  });

  it('answers 503 REVOCATION_UNAVAILABLE when Redis does not take it, as logoutAll does; the change stands', async () => {
    const { a, b } = await threeDevices();
    const relay = app.deps.relay;
    const deliver = relay.deliver;
    relay.deliver = () => Promise.reject(new Error('Redis is down'));
    let answer: Awaited<ReturnType<typeof app.mutate>>;
    try {
      answer = await app.mutate(
        'auth.changePassword',
        { currentPassword: a.credentials.password, newPassword: NEW_PASSWORD },
        bearer(a.accessToken),
      );
    } finally {
      relay.deliver = deliver;
    }
    expect(answer.status).toBe(503);
    expect(answer.body.error.data.reason).toBe('REVOCATION_UNAVAILABLE');
    expect(answer.body.error.message).toMatch(/^Password changed, but .*not yet confirmed by every service/);
    // Committed: the new password signs in, and once relayed B is refused.
    expect((await app.mutate('auth.login', a.credentials)).status).toBe(401);
    expect(
      (await app.mutate('auth.login', { email: a.credentials.email, password: NEW_PASSWORD })).status,
    ).toBe(200);
    await relay.deliver();
    await expect
      .poll(async () => (await app.query('auth.me', bearer(b.accessToken))).body?.error?.data?.reason)
      .toBe('TOKEN_REVOKED');
  });
});

describe('auth.logoutOthers', () => {
  it('ends B and C, keeps A, and tells their streams signed_out_elsewhere', async () => {
    const { a, b, c } = await threeDevices();
    const streamB = await watching(b.accessToken);
    const answer = await app.mutate('auth.logoutOthers', undefined, bearer(a.accessToken));
    expect(answer.status).toBe(200);
    expect(answer.body.result.data).toEqual({ ok: true, sessions: 2 });
    expect((await streamB.next()).data).toEqual({ type: 'revoked', reason: 'signed_out_elsewhere' });
    for (const device of [b, c]) {
      await expectRevoked(device.accessToken);
      expect((await app.mutate('auth.refresh', { refreshToken: device.refreshToken })).status).toBe(401);
    }
    expect((await app.query('auth.me', bearer(a.accessToken))).status).toBe(200);
    expect((await app.mutate('auth.refresh', { refreshToken: a.refreshToken })).status).toBe(200);
    expect(await lastAudit('logout_others', a.user.id)).toMatchObject({
      actor: a.user.id,
      detail: { reason: 'logout_others', sessions: 2 },
    });
    // Nothing left to end: 0, still fine.
    const again = await app.mutate('auth.logoutOthers', undefined, bearer(a.accessToken));
    expect(again.body.result.data).toEqual({ ok: true, sessions: 0 });
  });
});
