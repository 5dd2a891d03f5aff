import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp();
});
afterAll(() => app?.close());

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
/** The access token a Set-Cookie header carries (cookie-mode answers have none in the body). */
const accessCookie = (headers: Headers) =>
  headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('access_token=') && pair.length > 'access_token='.length)!
    .slice('access_token='.length);

describe('RFC 9068: every access token names its client', () => {
  it('header mode (curl, Postman, a CLI): client_id revoke-cli, kept through a refresh', async () => {
    const { accessToken, refreshToken } = await signUpAndLogIn(app);
    expect(payloadOf(accessToken).client_id).toBe('revoke-cli');
    const refreshed = await app.mutate('auth.refresh', { refreshToken });
    expect(payloadOf(refreshed.body.result.data.accessToken).client_id).toBe('revoke-cli');
  });

  it('the web client (a browser page): client_id revoke-web, kept through a cookie refresh', async () => {
    const credentials = newCredentials('web');
    await app.mutate('auth.register', credentials);
    const page = { origin: app.deps.env.WEB_ORIGIN, 'x-revoke-csrf': '1' };
    const login = await app.mutate('auth.login', credentials, page);
    expect(payloadOf(accessCookie(login.headers)).client_id).toBe('revoke-web');
    const refreshCookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0]!)
      .find((pair) => /^refresh_token=./.test(pair))!;
    const refreshed = await app.mutate('auth.refresh', undefined, { ...page, cookie: refreshCookie });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(payloadOf(accessCookie(refreshed.headers)).client_id).toBe('revoke-web');
  });

  it('verifiers pass client_id on as clientId', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    expect((await app.deps.verifier.verify(accessToken)).clientId).toBe('revoke-cli');
  });
});
