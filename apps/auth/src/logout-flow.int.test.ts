import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from './testing/test-app.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp();
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("the tutorial's Postman test, over HTTP", () => {
  it('login → protected call → logout → the same token is refused as revoked', async () => {
    const { accessToken, credentials } = await signUpAndLogIn(app);
    const me = await app.query('auth.me', { authorization: accessToken });
    expect(me.status).toBe(200);
    expect(me.body.result.data.email).toBe(credentials.email);

    const logout = await app.mutate('auth.logout', undefined, bearer(accessToken));
    expect(logout.status).toBe(200);
    expect(logout.body.result.data).toEqual({ ok: true });

    // The tutorial pastes the token back as a bare Authorization header.
    const again = await app.query('auth.me', { authorization: accessToken });
    expect(again.status).toBe(401);
    expect(again.body.error.message).toBe('Token revoked (logged out)');
    expect(again.body.error.data.reason).toBe('TOKEN_REVOKED');
    expect(again.text).not.toMatch(/stack|at .*\.ts/);
  });

  it('logs out from a plain `curl -X POST` with no body and no content type', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const response = await fetch(`${app.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { authorization: accessToken },
    });
    expect(response.status).toBe(200);
    expect((await app.query('auth.me', { authorization: accessToken })).status).toBe(401);
  });

  it('refreshes from the cookie alone with a body-less POST', async () => {
    const credentials = newCredentials('bodyless');
    await app.mutate('auth.register', credentials);
    const login = await app.mutate('auth.login', credentials);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const response = await fetch(`${app.url}/trpc/auth.refresh`, {
      method: 'POST',
      headers: { cookie, 'x-revoke-csrf': '1' },
    });
    expect(response.status).toBe(200);
  });

  it('logging out twice with the same token is not an error', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    expect((await app.mutate('auth.logout', undefined, bearer(accessToken))).status).toBe(200);
    expect((await app.mutate('auth.logout', undefined, bearer(accessToken))).status).toBe(200);
  });

  it('writes the revocation to Postgres and Redis, and kills the refresh token with the session', async () => {
    const { accessToken, refreshToken } = await signUpAndLogIn(app);
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString());
    await app.mutate('auth.logout', undefined, bearer(accessToken));
    const prefix = app.deps.env.REVOCATION_PREFIX;
    expect(await app.deps.redis.exists(`${prefix}jti:${claims.jti}`, `${prefix}sid:${claims.sid}`)).toBe(2);
    // Expires at exp + clock tolerance, never earlier.
    expect(await app.deps.redis.call('EXPIRETIME', `${prefix}jti:${claims.jti}`)).toBe(claims.exp + 5);
    const refreshed = await app.mutate('auth.refresh', { refreshToken });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.error.data.reason).toBe('TOKEN_REVOKED');
  });

  it('clears the cookies on logout', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const logout = await app.mutate('auth.logout', undefined, bearer(accessToken));
    const cookies = logout.headers.getSetCookie().join('\n');
    expect(cookies).toMatch(/access_token=;/);
    expect(cookies).toMatch(/refresh_token=;/);
  });

  it('login sets HttpOnly SameSite cookies, and the cookie alone authenticates queries', async () => {
    const credentials = newCredentials();
    await app.mutate('auth.register', credentials);
    const login = await app.mutate('auth.login', credentials);
    const setCookies = login.headers.getSetCookie();
    const access = setCookies.find((cookie) => cookie.startsWith('access_token='))!;
    expect(access).toMatch(/HttpOnly/i);
    expect(access).toMatch(/SameSite=Lax/i);
    expect(setCookies.find((cookie) => cookie.startsWith('refresh_token='))).toMatch(/SameSite=Strict/i);
    const cookieHeader = setCookies.map((cookie) => cookie.split(';')[0]).join('; ');
    expect((await app.query('auth.me', { cookie: cookieHeader })).status).toBe(200);
  });

  it('a revocation reaches the auth app’s own feed within one pub/sub hop', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const claims = await app.deps.guard.authenticate(accessToken);
    await app.mutate('auth.logout', undefined, bearer(accessToken));
    const loggedOutAt = performance.now();
    await expect.poll(() => app.deps.feed.cache.isRevoked(claims), { timeout: 1000, interval: 5 }).toBe(true);
    expect(performance.now() - loggedOutAt).toBeLessThan(1000);
  });
});
