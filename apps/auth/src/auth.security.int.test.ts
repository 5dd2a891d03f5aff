import { count } from '@revoke/db';
import { revocations, users } from '@revoke/db/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from './testing/test-app.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp({ LOGIN_MAX_FAILURES: '3' });
});
afterAll(() => app.close());

const rowCounts = async () => ({
  users: (await app.deps.db.select({ n: count() }).from(users))[0]!.n,
  revocations: (await app.deps.db.select({ n: count() }).from(revocations))[0]!.n,
});

describe('hostile register and login bodies: a clear 4xx, nothing written, never a 500', () => {
  const valid = newCredentials('hostile');
  it.each([
    ['a 1 MB password', { email: valid.email, password: 'x'.repeat(1024 * 1024) }, 413],
    ['a 2000-character password', { email: valid.email, password: 'x'.repeat(2000) }, 400],
    ['a number for the e-mail', { email: 42, password: valid.password }, 400],
    ['an array for the password', { email: valid.email, password: ['a', 'b'] }, 400],
    ['an object for the e-mail', { email: { $gt: '' }, password: valid.password }, 400],
    ['a NUL byte in the password', { email: valid.email, password: 'abcdefgh\u0000ijk' }, 400],
    ['a NUL byte in the e-mail', { email: 'a\u0000b@example.com', password: valid.password }, 400],
    ['an SQL-ish e-mail', { email: "' OR 1=1; --", password: valid.password }, 400],
    ['an extra key', { ...valid, admin: true }, 400],
    ['no password', { email: valid.email }, 400],
    ['a null body', null, 400],
  ])('register and login with %s', async (_, body, status) => {
    const before = await rowCounts();
    const login = await app.mutate('auth.login', body);
    expect(login.status).toBe(status);
    const response = await app.mutate('auth.register', body);
    expect(response.status).toBe(status);
    expect(response.text).not.toMatch(/stack|node_modules|\.ts:\d/);
    expect(await rowCounts()).toEqual(before);
  });

  it('login with malformed JSON is a 400', async () => {
    const response = await fetch(`${app.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": "a@b.c", "password": ',
    });
    expect(response.status).toBe(400);
  });

  it('unknown user and wrong password get the same answer', async () => {
    const { credentials } = await signUpAndLogIn(app);
    const wrong = await app.mutate('auth.login', { ...credentials, password: 'not the password' });
    const unknown = await app.mutate('auth.login', { ...newCredentials(), password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('normalises the e-mail: a different case is the same account', async () => {
    const credentials = newCredentials('case');
    await app.mutate('auth.register', credentials);
    const upper = await app.mutate('auth.register', {
      ...credentials,
      email: credentials.email.toUpperCase(),
    });
    expect(upper.status).toBe(409);
    expect(
      (await app.mutate('auth.login', { ...credentials, email: credentials.email.toUpperCase() })).status,
    ).toBe(200);
  });
});

describe('login rate limiting', () => {
  it('answers 429 with Retry-After after repeated failures for one account, even with the right password', async () => {
    const { credentials } = await signUpAndLogIn(app, newCredentials('limited'));
    for (let i = 0; i < 3; i++) {
      expect((await app.mutate('auth.login', { ...credentials, password: 'wrong password' })).status).toBe(
        401,
      );
    }
    const limited = await app.mutate('auth.login', credentials);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not locked out by it.
    expect((await signUpAndLogIn(app, newCredentials('neighbour'))).accessToken).toBeTruthy();
  });
});

describe('CSRF: cookie-authenticated mutations', () => {
  async function cookiesOf() {
    const credentials = newCredentials('csrf');
    await app.mutate('auth.register', credentials);
    const login = await app.mutate('auth.login', credentials);
    return login.headers
      .getSetCookie()
      .map((cookie) => cookie.split(';')[0])
      .join('; ');
  }

  it.each(['auth.logout', 'auth.logoutAll', 'auth.refresh'])(
    'refuses %s without the CSRF header, changes nothing, and accepts it with the header',
    async (path) => {
      const cookie = await cookiesOf();
      const before = await rowCounts();
      const forged = await app.mutate(path, path === 'auth.refresh' ? {} : undefined, { cookie });
      expect(forged.status).toBe(403);
      expect(await rowCounts()).toEqual(before);
      const crossSiteForm = await fetch(`${app.url}/trpc/${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      });
      expect(crossSiteForm.status).toBeGreaterThanOrEqual(400);
      expect(crossSiteForm.status).toBeLessThan(500);
      expect(await rowCounts()).toEqual(before);
      const allowed = await app.mutate(path, path === 'auth.refresh' ? {} : undefined, {
        cookie,
        'x-revoke-csrf': '1',
      });
      expect(allowed.status).toBe(200);
    },
  );

  it('a forged token carrying a victim’s jti revokes nothing', async () => {
    const victim = await signUpAndLogIn(app);
    const [header, payload] = victim.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    const before = await rowCounts();
    const response = await app.mutate('auth.logout', undefined, { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(response.body.error.data.reason).toBe('TOKEN_INVALID');
    expect(await rowCounts()).toEqual(before);
    expect((await app.query('auth.me', { authorization: `Bearer ${victim.accessToken}` })).status).toBe(200);
  });
});
