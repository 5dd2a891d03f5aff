import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, Device } from './harness/accounts.ts';
import { show } from './harness/expect-refused.ts';
import { type Answer, mutate, send } from './harness/http.ts';
import { type Stack, startStackWithUser } from './harness/stack.ts';

let stack: Stack;
let user: Account & Device;
beforeAll(async () => {
  ({ stack, user } = await startStackWithUser('cookies'));
});
afterAll(() => stack?.close());

/** What the web client's page sends: its origin, the CSRF header. */
const page = () => ({ origin: stack.env.WEB_ORIGIN ?? 'http://127.0.0.1:5173', 'x-revoke-csrf': '1' });
const setCookies = (answer: Answer) => [answer.headers['set-cookie'] ?? []].flat();
const cookieValue = (answer: Answer, name: string) =>
  setCookies(answer)
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith(`${name}=`) && pair.length > name.length + 1)
    ?.slice(name.length + 1);

describe('cookie-mode answers carry no token a script could read', () => {
  it('login from the web page answers the expiry and the user only; the tokens are in HttpOnly cookies', async () => {
    const answer = await mutate(
      stack.auth.url,
      'auth.login',
      { email: user.email, password: user.password },
      page(),
    );
    expect(answer.status, show('login', answer)).toBe(200);
    expect(Object.keys(answer.body.result.data).sort()).toEqual(['expiresAt', 'user']);
    expect(answer.text).not.toMatch(/eyJ|accessToken|refreshToken/);
    for (const line of setCookies(answer).filter((l) => /^(access|refresh)_token=[^;]/.test(l)))
      expect(line).toMatch(/HttpOnly/);
  });

  it('a refresh authenticated only by the cookie answers without tokens, and the refresh cookie is path-scoped', async () => {
    const answer = await mutate(stack.auth.url, 'auth.refresh', undefined, {
      ...page(),
      cookie: `refresh_token=${user.refreshToken}`,
    });
    expect(answer.status, show('refresh', answer)).toBe(200);
    expect(Object.keys(answer.body.result.data).sort()).toEqual(['expiresAt', 'user']);
    expect(answer.text).not.toMatch(/eyJ|accessToken|refreshToken/);
    const refreshLine = setCookies(answer).find((line) => /^refresh_token=[^;]/.test(line));
    expect(refreshLine).toContain('Path=/trpc/auth.refresh');
    user.refreshToken = cookieValue(answer, 'refresh_token')!;
    user.accessToken = cookieValue(answer, 'access_token')!;
  });

  it('the header-mode API (curl, Postman, pnpm demo) still gets the pair in the body', async () => {
    const answer = await mutate(stack.auth.url, 'auth.login', { email: user.email, password: user.password });
    expect(answer.body.result.data).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
  });
});

describe('a planted duplicate cookie does not lock the user out', () => {
  it('a junk access_token planted before the real one: every service still serves the user', async () => {
    const cookie = `access_token=planted-by-a-sibling-site; access_token=${user.accessToken}`;
    for (const url of [
      `${stack.auth.url}/trpc/auth.me`,
      `${stack.notes.url}/trpc/notes.list`,
      `${stack.activity.url}/trpc/activity.list`,
    ]) {
      const answer = await send(url, { headers: { cookie } });
      expect(answer.status, show(url, answer)).toBe(200);
    }
  });

  it('a junk refresh_token planted before the real one: the refresh still goes through', async () => {
    const answer = await mutate(stack.auth.url, 'auth.refresh', undefined, {
      ...page(),
      cookie: `refresh_token=${'P'.repeat(43)}; refresh_token=${user.refreshToken}`,
    });
    expect(answer.status, show('refresh', answer)).toBe(200);
  });
});
