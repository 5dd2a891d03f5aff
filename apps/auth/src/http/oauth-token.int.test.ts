import { localKeys } from '@revoke/auth';
import { createTokenVerifier } from '@revoke/auth/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

const SECRET = 'notes-secret-with-rfc-6749-specials.~_-%+';
let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp({ SERVICE_CLIENTS: `notes:${SECRET}` });
});
afterAll(() => app?.close());

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined for HTTP Basic. */
const basic = (id: string, secret: string) => {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
};
const token = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });

describe('POST /oauth/token (client credentials, for service-to-service calls)', () => {
  it('issues a short-lived token for one service, with the client as sub and client_id, never cached', async () => {
    const response = await token(
      { grant_type: 'client_credentials', audience: 'activity' },
      { authorization: basic('notes', SECRET) },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: app.deps.env.SERVICE_TOKEN_TTL_SEC });
    const forActivity = createTokenVerifier({
      issuer: app.deps.env.ISSUER,
      audience: 'activity',
      keys: localKeys(app.deps.keys.jwks()),
    });
    const claims = await forActivity.verify(body.access_token);
    expect(claims).toMatchObject({ sub: 'notes', aud: 'activity' });
    const payload = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString());
    expect(payload.client_id).toBe('notes');
    // Not a user's token anywhere: the auth app itself refuses it.
    const me = await app.query('auth.me', { authorization: `Bearer ${body.access_token}` });
    expect(me.status).toBe(401);
    expect(me.body.error.data.reason).toBe('TOKEN_INVALID');
  });

  it('takes client_secret_post too', async () => {
    const response = await token({
      grant_type: 'client_credentials',
      audience: 'activity',
      client_id: 'notes',
      client_secret: SECRET,
    });
    expect(response.status).toBe(200);
  });

  it.each([
    [
      'a wrong secret (Basic)',
      { authorization: basic('notes', `${SECRET}x`) },
      {},
      401,
      'invalid_client',
      true,
    ],
    [
      'an unknown client (Basic)',
      { authorization: basic('billing', SECRET) },
      {},
      401,
      'invalid_client',
      true,
    ],
    [
      'the secret sent raw, not form-encoded (Basic)',
      { authorization: `Basic ${Buffer.from(`notes:${SECRET}`).toString('base64')}` },
      {},
      401,
      'invalid_client',
      true,
    ],
    ['a wrong secret (post)', {}, { client_id: 'notes', client_secret: 'x' }, 401, 'invalid_client', false],
    ['no client authentication', {}, {}, 401, 'invalid_client', false],
    [
      'two authentication methods',
      { authorization: basic('notes', SECRET) },
      { client_id: 'notes', client_secret: SECRET },
      400,
      'invalid_request',
      false,
    ],
  ])('%s → %s %s', async (_name, headers, fields, status, error, challenge) => {
    const response = await token(
      { grant_type: 'client_credentials', audience: 'activity', ...fields },
      headers,
    );
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
    expect(response.headers.get('www-authenticate') !== null).toBe(challenge);
  });

  it.each([
    ['another grant', { grant_type: 'password', audience: 'activity' }, 'unsupported_grant_type'],
    ['no audience', { grant_type: 'client_credentials' }, 'invalid_target'],
    [
      'the user audience (a service token is never a user token)',
      { grant_type: 'client_credentials', audience: 'revoke' },
      'invalid_target',
    ],
    [
      'an audience that is not a name',
      { grant_type: 'client_credentials', audience: 'https://x/y' },
      'invalid_target',
    ],
  ])('%s → 400 %s', async (_name, fields, error) => {
    const response = await token(fields, { authorization: basic('notes', SECRET) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
  });
});
