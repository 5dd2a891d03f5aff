import { desc, eq } from '@revoke/db';
import { auditLog } from '@revoke/db/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

let app: TestAuthApp;
/** A registered client that may introspect, and one that may do nothing here but get service tokens. */
let gateway: { id: string; secret: string };
let serviceOnly: { id: string; secret: string };
beforeAll(async () => {
  app = await startTestAuthApp();
  gateway = { id: 'gateway', secret: await app.deps.clients.register('gateway', ['introspect', 'revoke']) };
  serviceOnly = { id: 'billing', secret: await app.deps.clients.register('billing', ['service']) };
});
afterAll(() => app?.close());

const basic = ({ id, secret }: { id: string; secret: string }) => {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
};
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
const lastAudit = async (action: string) =>
  (
    await app.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, action))
      .orderBy(desc(auditLog.id))
      .limit(1)
  )[0];

describe('RFC 7662 introspection, to the letter', () => {
  it('an active access token: its claims with client_id and token_type, never cached, audited with the client', async () => {
    const { accessToken, user } = await signUpAndLogIn(app);
    const response = await post(
      '/oauth/introspect',
      { token: accessToken },
      { authorization: basic(gateway) },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString());
    expect(body).toEqual({
      active: true,
      token_type: 'Bearer',
      client_id: 'revoke-cli',
      sub: user.id,
      aud: app.deps.env.TOKEN_AUDIENCE,
      iss: app.deps.env.ISSUER,
      iat: payload.iat,
      exp: payload.exp,
      jti: payload.jti,
      sid: payload.sid,
    });
    expect(await lastAudit('oauth_introspect')).toMatchObject({
      actor: 'client:gateway',
      detail: { active: true },
    });
  });

  it('a live refresh token is active too (with a wrong hint: the hint only orders the search)', async () => {
    const { refreshToken, user } = await signUpAndLogIn(app);
    const response = await post(
      '/oauth/introspect',
      { token: refreshToken, token_type_hint: 'access_token' },
      { authorization: basic(gateway) },
    );
    expect(await response.json()).toMatchObject({ active: true, sub: user.id, client_id: 'revoke-cli' });
    await app.mutate('auth.refresh', { refreshToken });
    await new Promise((resolve) => setTimeout(resolve, (app.deps.env.REFRESH_REUSE_GRACE_SEC + 1) * 1000));
    const rotated = await post(
      '/oauth/introspect',
      { token: refreshToken },
      { authorization: basic(gateway) },
    );
    expect(await rotated.json()).toEqual({ active: false });
  }, 20_000);

  it('client_secret_post works, a client without the capability gets 403, a wrong secret 401', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const posted = await post('/oauth/introspect', {
      token: accessToken,
      client_id: gateway.id,
      client_secret: gateway.secret,
    });
    expect(await posted.json()).toMatchObject({ active: true });
    const refused = await post(
      '/oauth/introspect',
      { token: accessToken },
      { authorization: basic(serviceOnly) },
    );
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'unauthorized_client' });
    const wrong = await post(
      '/oauth/introspect',
      { token: accessToken },
      { authorization: basic({ ...gateway, secret: 'x' }) },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});

describe('RFC 7009 revocation, to the letter', () => {
  it('a public client revokes a token it holds; the revocation is audited', async () => {
    const { refreshToken } = await signUpAndLogIn(app);
    const response = await post('/oauth/revoke', { token: refreshToken, token_type_hint: 'refresh_token' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await app.mutate('auth.refresh', { refreshToken })).status).toBe(401);
    // A public call is audited by the revocation it caused, not as a call.
    expect(await lastAudit('revoke_session')).toMatchObject({ detail: { reason: 'oauth_revoke' } });
  });

  it('a confidential client authenticates; without the revoke capability it is refused and nothing is revoked', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const refused = await post(
      '/oauth/revoke',
      { token: accessToken },
      { authorization: basic(serviceOnly) },
    );
    expect(refused.status).toBe(403);
    expect((await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).status).toBe(200);
    const wrong = await post(
      '/oauth/revoke',
      { token: accessToken },
      { authorization: basic({ ...gateway, secret: 'x' }) },
    );
    expect(wrong.status).toBe(401);
    const revoked = await post('/oauth/revoke', { token: accessToken }, { authorization: basic(gateway) });
    expect(revoked.status).toBe(200);
    expect((await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).status).toBe(401);
    expect(await lastAudit('oauth_revoke')).toMatchObject({ actor: 'client:gateway' });
  });
});
