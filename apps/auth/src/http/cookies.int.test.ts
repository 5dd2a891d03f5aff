import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

let app: TestAuthApp;
/** The same app with Secure cookies, as behind HTTPS. */
let secure: TestAuthApp;
beforeAll(async () => {
  [app, secure] = await Promise.all([startTestAuthApp(), startTestAuthApp({ COOKIE_SECURE: 'true' })]);
});
afterAll(async () => {
  await app?.close();
  await secure?.close();
});

const browser = (target: TestAuthApp) => ({ origin: target.deps.env.WEB_ORIGIN, 'x-revoke-csrf': '1' });
/** `name=value` of each Set-Cookie line with a value (clearing lines left out). */
const cookiesSet = (headers: Headers) =>
  headers
    .getSetCookie()
    .map((line) => ({ line, pair: line.split(';')[0]! }))
    .filter(({ pair }) => !pair.endsWith('='));

describe('cookie mode: a browser page never sees a token in a body', () => {
  it('login from a page (Origin) answers only the expiry and the user; the tokens are in HttpOnly cookies', async () => {
    const credentials = newCredentials('page');
    await app.mutate('auth.register', credentials);
    const login = await app.mutate('auth.login', credentials, browser(app));
    expect(login.status).toBe(200);
    expect(login.body.result.data).toEqual({ expiresAt: expect.any(String), user: expect.any(Object) });
    expect(login.text).not.toMatch(/accessToken|refreshToken|eyJ/);
    const set = cookiesSet(login.headers);
    const access = set.find(({ pair }) => pair.startsWith('access_token='))!;
    const refresh = set.find(({ pair }) => pair.startsWith('refresh_token='))!;
    expect(access.line).toMatch(/Path=\/;.*HttpOnly/);
    // The refresh cookie goes to the refresh procedure only.
    expect(refresh.line).toContain('Path=/trpc/auth.refresh');
    expect(refresh.line).toMatch(/HttpOnly/);
    expect(refresh.line).toMatch(/SameSite=Strict/);
  });

  it('a refresh by the cookie answers without tokens; by the body (header mode) with them, as before', async () => {
    const { refreshToken } = await signUpAndLogIn(app);
    const byCookie = await app.mutate('auth.refresh', undefined, {
      ...browser(app),
      cookie: `refresh_token=${refreshToken}`,
    });
    expect(byCookie.status, byCookie.text).toBe(200);
    expect(Object.keys(byCookie.body.result.data).sort()).toEqual(['expiresAt', 'user']);
    const next = cookiesSet(byCookie.headers).find(({ pair }) => pair.startsWith('refresh_token='))!;
    const byBody = await app.mutate('auth.refresh', {
      refreshToken: next.pair.slice('refresh_token='.length),
    });
    expect(byBody.status, byBody.text).toBe(200);
    expect(byBody.body.result.data).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
  });
});

describe('a planted duplicate cookie does not lock the user out', () => {
  it('a junk access_token beside the real one: the real one is used', async () => {
    const { accessToken, user } = await signUpAndLogIn(app);
    for (const cookie of [
      `access_token=planted; access_token=${accessToken}`,
      `access_token=${accessToken}; access_token=x.y.z`,
    ]) {
      const me = await app.query('auth.me', { cookie });
      expect(me.status, me.text).toBe(200);
      expect(me.body.result.data.id).toBe(user.id);
    }
  });

  it('two valid tokens of different users are refused as ambiguous, never picked among', async () => {
    const [victim, planter] = await Promise.all([signUpAndLogIn(app), signUpAndLogIn(app)]);
    const me = await app.query('auth.me', {
      cookie: `access_token=${planter.accessToken}; access_token=${victim.accessToken}`,
    });
    expect(me.status).toBe(401);
    expect(me.body.error.data.reason).toBe('TOKEN_INVALID');
  });

  it('a junk or stale refresh_token beside the real one: the refresh goes through with the real one', async () => {
    const { refreshToken } = await signUpAndLogIn(app);
    // A refresh token rotated past the grace window: no live credential any more, as a stale cookie is.
    const stale = (await signUpAndLogIn(app)).refreshToken;
    expect((await app.mutate('auth.refresh', { refreshToken: stale })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, (app.deps.env.REFRESH_REUSE_GRACE_SEC + 1) * 1000));
    const refresh = await app.mutate('auth.refresh', undefined, {
      ...browser(app),
      cookie: `refresh_token=${'A'.repeat(43)}; refresh_token=${stale}; refresh_token=${refreshToken}`,
    });
    expect(refresh.status, refresh.text).toBe(200);
  }, 30_000);

  it('two live refresh tokens of different sessions are refused, and nothing is rotated', async () => {
    const [a, b] = await Promise.all([signUpAndLogIn(app), signUpAndLogIn(app)]);
    const refresh = await app.mutate('auth.refresh', undefined, {
      ...browser(app),
      cookie: `refresh_token=${a.refreshToken}; refresh_token=${b.refreshToken}`,
    });
    expect(refresh.status).toBe(401);
    expect(refresh.body.error.data.reason).toBe('TOKEN_INVALID');
    for (const token of [a.refreshToken, b.refreshToken])
      expect((await app.mutate('auth.refresh', { refreshToken: token })).status).toBe(200);
  });
});

describe('Secure cookies (behind HTTPS)', () => {
  it('are named __Host-access_token (host-only, path /) and __Secure-refresh_token (refresh path), both Secure', async () => {
    const credentials = newCredentials('secure');
    await secure.mutate('auth.register', credentials);
    const login = await secure.mutate('auth.login', credentials, browser(secure));
    const set = cookiesSet(login.headers);
    const access = set.find(({ pair }) => pair.startsWith('__Host-access_token='))!;
    const refresh = set.find(({ pair }) => pair.startsWith('__Secure-refresh_token='))!;
    expect(access.line).toMatch(/Path=\/;/);
    expect(access.line).not.toMatch(/Domain=/i);
    expect(access.line).toMatch(/Secure/);
    expect(refresh.line).toContain('Path=/trpc/auth.refresh');
    expect(refresh.line).toMatch(/Secure/);
    // Only the prefixed name is read: an unprefixed cookie (plantable from a subdomain) is ignored.
    const token = access.pair.slice('__Host-access_token='.length);
    expect((await secure.query('auth.me', { cookie: `__Host-access_token=${token}` })).status).toBe(200);
    expect((await secure.query('auth.me', { cookie: `access_token=${token}` })).body.error.data.reason).toBe(
      'TOKEN_MISSING',
    );
  });
});
