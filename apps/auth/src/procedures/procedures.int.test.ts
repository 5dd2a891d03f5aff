import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../router.ts';
import { shortLivedToken } from '../testing/short-lived-token.ts';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';
import { createAppContext, createCallerFactory, type ReplyControl } from '../trpc.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp();
});
afterAll(() => app.close());

/** A caller as a request with these headers would get, recording the cookies it sets. */
function callerFor(deps: TestAuthApp['deps'], headers: Record<string, string> = {}) {
  const cookies = new Map<string, string>();
  const res: ReplyControl = {
    setCookie: (name, value) => cookies.set(name, value),
    clearCookie: (name) => cookies.set(name, ''),
    header: () => undefined,
  };
  const ctx = createAppContext(deps, { ip: '127.0.0.1', headers, cookies: {} }, res);
  return { caller: createCallerFactory(appRouter)(ctx), cookies };
}

describe('procedures through createCaller', () => {
  it('runs the whole flow: register, login, me, sessions, logout, then TOKEN_REVOKED', async () => {
    const credentials = newCredentials('caller');
    const anonymous = callerFor(app.deps);
    const { user } = await anonymous.caller.auth.register(credentials);
    const login = await anonymous.caller.auth.login(credentials);
    expect(login.user).toEqual(user);
    // No Origin header: a header-mode client, which gets the pair in the body.
    if (!('accessToken' in login)) throw new Error('expected the token pair in the body');
    expect(anonymous.cookies.get('access_token')).toBe(login.accessToken);
    expect(new Date(login.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const authed = callerFor(app.deps, { authorization: `Bearer ${login.accessToken}` }).caller;
    expect(await authed.auth.me()).toEqual(user);
    const sessions = await authed.auth.sessions();
    expect(sessions).toEqual([expect.objectContaining({ current: true })]);
    expect(await authed.auth.logout()).toEqual({ ok: true });
    await expect(authed.auth.me()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      cause: { code: 'TOKEN_REVOKED' },
    });
  });

  it('refuses a duplicate registration with CONFLICT', async () => {
    const credentials = newCredentials('dup');
    const { caller } = callerFor(app.deps);
    await caller.auth.register(credentials);
    await expect(caller.auth.register(credentials)).rejects.toBeInstanceOf(TRPCError);
    await expect(caller.auth.register(credentials)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('logs out a token that expires in under a second, and it stays refused through the tolerance window', async () => {
    const { user } = await signUpAndLogIn(app);
    const shortLived = await shortLivedToken(app, {
      userId: user.id,
      expiresInMs: 500,
      userAgent: 'short-lived',
    });
    const caller = callerFor(app.deps, { authorization: `Bearer ${shortLived.token}` }).caller;
    expect(await caller.auth.logout()).toEqual({ ok: true });
    const key = `${app.deps.env.REVOCATION_PREFIX}jti:${shortLived.jti}`;
    expect(await app.deps.redis.call('EXPIRETIME', key)).toBe(
      shortLived.exp + app.deps.env.CLOCK_TOLERANCE_SEC,
    );
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // Past exp but inside the verifier's clock tolerance: still refused as revoked, not accepted.
    await expect(caller.auth.me()).rejects.toMatchObject({ cause: { code: 'TOKEN_REVOKED' } });
  });
});

describe('the embedded PGlite default (no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-pglite-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers, logs in and logs out with the same schema and migrations', {
    timeout: 120_000,
  }, async () => {
    const embedded = await startTestAuthApp({ DATABASE_URL: '', AUTH_DATA_DIR: dataDir });
    try {
      expect(embedded.deps.env.DATABASE_URL).toBeUndefined();
      const { accessToken } = await signUpAndLogIn(embedded);
      expect(
        (await embedded.mutate('auth.logout', undefined, { authorization: `Bearer ${accessToken}` })).status,
      ).toBe(200);
      const me = await embedded.query('auth.me', { authorization: `Bearer ${accessToken}` });
      expect(me.body.error.data.reason).toBe('TOKEN_REVOKED');
    } finally {
      await embedded.close();
    }
  });
});
