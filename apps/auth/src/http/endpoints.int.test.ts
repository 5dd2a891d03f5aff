import { localKeys } from '@revoke/auth';
import { createTokenVerifier } from '@revoke/auth/internal';
import { startPrivateRedis } from '@revoke/auth/testing';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  signUpAndLogIn,
  startTestAuthApp,
  TEST_INTROSPECTION_SECRET,
  type TestAuthApp,
} from '../testing/test-app.ts';

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp();
});
afterAll(() => app.close());

const basic = (secret: string) => `Basic ${Buffer.from(`introspect:${secret}`).toString('base64')}`;
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

describe('operational endpoints', () => {
  it('serves /healthz, /readyz with its checks, and Prometheus /metrics', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({
      postgres: true,
      redis: true,
      relay: true,
      feed: true,
    });
    await signUpAndLogIn(app);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('auth_logins_total{result="ok"}');
    expect(metrics).toContain('revoke_feed_ready 1');
    expect(metrics).toContain('auth_relay_lag_seconds 0');
  });

  it('publishes a JWKS with public Ed25519 keys only, which verifies the tokens it issues', async () => {
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.d).toBeUndefined();
    }
    const { accessToken } = await signUpAndLogIn(app);
    const verifier = createTokenVerifier({
      issuer: app.deps.env.ISSUER,
      audience: app.deps.env.TOKEN_AUDIENCE,
      keys: localKeys(jwks),
    });
    const claims = await verifier.verify(accessToken);
    expect(claims.exp - claims.iat).toBe(app.deps.env.ACCESS_TOKEN_TTL_SEC);
    const [header] = accessToken.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({
      alg: 'EdDSA',
      typ: 'at+jwt',
    });
  });
});

describe('CORS', () => {
  it('allows the web client origin with credentials, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${app.url}/trpc/auth.logout`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-revoke-csrf',
        },
      });
    const allowed = await preflight(app.deps.env.WEB_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(app.deps.env.WEB_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-revoke-csrf');
    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('POST /oauth/introspect (RFC 7662)', () => {
  it('requires the client secret', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    expect((await post('/oauth/introspect', form({ token: accessToken }))).status).toBe(401);
    const wrong = await post('/oauth/introspect', form({ token: accessToken }), {
      authorization: basic('wrong-secret-wrong-secret'),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('answers active with claims for a live token, and active:false once it is revoked', async () => {
    const { accessToken, user } = await signUpAndLogIn(app);
    const auth = { authorization: basic(TEST_INTROSPECTION_SECRET) };
    const live = await (await post('/oauth/introspect', form({ token: accessToken }), auth)).json();
    expect(live).toMatchObject({ active: true, sub: user.id, token_type: 'Bearer' });
    await app.mutate('auth.logout', undefined, { authorization: `Bearer ${accessToken}` });
    expect(await (await post('/oauth/introspect', form({ token: accessToken }), auth)).json()).toEqual({
      active: false,
    });
    expect(await (await post('/oauth/introspect', form({ token: 'garbage' }), auth)).json()).toEqual({
      active: false,
    });
    expect((await post('/oauth/introspect', form({}), auth)).status).toBe(400);
  });
});

describe('POST /oauth/revoke (RFC 7009)', () => {
  it('revokes an access token', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    expect(
      (await post('/oauth/revoke', form({ token: accessToken, token_type_hint: 'access_token' }))).status,
    ).toBe(200);
    const me = await app.query('auth.me', { authorization: `Bearer ${accessToken}` });
    expect(me.body.error.data.reason).toBe('TOKEN_REVOKED');
  });

  it('revokes a refresh token, and with it the session', async () => {
    const { accessToken, refreshToken } = await signUpAndLogIn(app);
    expect((await post('/oauth/revoke', form({ token: refreshToken }))).status).toBe(200);
    expect((await app.mutate('auth.refresh', { refreshToken })).status).toBe(401);
    expect((await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).status).toBe(401);
  });

  it('answers 200 for an unknown token and 400 without one', async () => {
    expect((await post('/oauth/revoke', form({ token: 'not-a-token' }))).status).toBe(200);
    expect((await post('/oauth/revoke', form({}))).status).toBe(400);
  });
});

describe('start-up checks', () => {
  it('refuses to start on a Redis whose maxmemory-policy can evict revocations', async () => {
    const evicting = await startPrivateRedis(['--maxmemory-policy', 'allkeys-lru']);
    try {
      await expect(startTestAuthApp({ REDIS_URL: evicting.url })).rejects.toThrow(
        /maxmemory-policy.*noeviction/,
      );
    } finally {
      await evicting.stop();
    }
  });
});
