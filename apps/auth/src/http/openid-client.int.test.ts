import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

// Secrets full of what form-encoding escapes (RFC 6749 §2.3.1): a correct client sends `-` as `%2D`,
// a space as `+`, and so on; the auth app must decode them.
const INTROSPECTION_SECRET = "introspect-secret.with_every~char!form*encoding'escapes() and spaces+%/=";
const SERVICE_SECRET = "service-secret.with_every~char!form*encoding'escapes()+%/=";

let app: TestAuthApp;
/** A registered client that may introspect and revoke (its secret is base64url: `-` and `_` escaped too). */
let gatewaySecret: string;
beforeAll(async () => {
  app = await startTestAuthApp(
    { INTROSPECTION_SECRET, SERVICE_CLIENTS: `notes:${SERVICE_SECRET}` },
    { issuerIsOwnUrl: true },
  );
  gatewaySecret = await app.deps.clients.register('gateway', ['introspect', 'revoke']);
});
afterAll(() => app?.close());

/** openid-client's discovery of the auth app, as a third party would run it (plain HTTP allowed: a test). */
const discover = (clientId: string, auth: oidc.ClientAuth) =>
  oidc.discovery(new URL(app.url), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });

describe('openid-client (a certified client nobody here wrote), unchanged', () => {
  it('discovers the auth app from its OpenID configuration alone', async () => {
    const config = await discover('introspect', oidc.ClientSecretPost(INTROSPECTION_SECRET));
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(app.deps.env.ISSUER);
    expect(metadata.introspection_endpoint).toBe(`${app.url}/oauth/introspect`);
    expect(metadata.revocation_endpoint).toBe(`${app.url}/oauth/revoke`);
  });

  it.each([
    ['client_secret_basic', () => oidc.ClientSecretBasic(INTROSPECTION_SECRET)],
    ['client_secret_post (its default)', () => oidc.ClientSecretPost(INTROSPECTION_SECRET)],
  ])(
    'introspects with %s, a secret full of escaped characters: active with client_id, then inactive once revoked',
    async (_name, auth) => {
      const config = await discover('introspect', auth());
      const { accessToken, user } = await signUpAndLogIn(app);
      const active = await oidc.tokenIntrospection(config, accessToken);
      expect(active).toMatchObject({
        active: true,
        sub: user.id,
        client_id: 'revoke-cli',
        token_type: 'Bearer',
      });
      await app.mutate('auth.logout', undefined, { authorization: `Bearer ${accessToken}` });
      expect(await oidc.tokenIntrospection(config, accessToken)).toMatchObject({ active: false });
    },
  );

  it('a registered client revokes a refresh token (RFC 7009) and introspects it as inactive', async () => {
    const config = await discover('gateway', oidc.ClientSecretBasic(gatewaySecret));
    const { refreshToken } = await signUpAndLogIn(app);
    expect(
      await oidc.tokenIntrospection(config, refreshToken, { token_type_hint: 'refresh_token' }),
    ).toMatchObject({
      active: true,
    });
    await oidc.tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' });
    expect((await app.mutate('auth.refresh', { refreshToken })).status).toBe(401);
    expect(await oidc.tokenIntrospection(config, refreshToken)).toMatchObject({ active: false });
  });

  it('a service gets a service token by the client credentials grant', async () => {
    const config = await discover('notes', oidc.ClientSecretBasic(SERVICE_SECRET));
    const grant = await oidc.clientCredentialsGrant(config, { audience: 'activity' });
    expect(grant.token_type.toLowerCase()).toBe('bearer');
    const payload = JSON.parse(Buffer.from(grant.access_token.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({
      aud: 'activity',
      sub: 'notes',
      client_id: 'notes',
      iss: app.deps.env.ISSUER,
    });
  });

  it('a wrong secret is a 401 with a Basic challenge, as openid-client reads it', async () => {
    const config = await discover('introspect', oidc.ClientSecretBasic(`${INTROSPECTION_SECRET}x`));
    const { accessToken } = await signUpAndLogIn(app);
    // A 401 with a Basic challenge (RFC 6749 §5.2): openid-client raises it as a challenge error.
    await expect(oidc.tokenIntrospection(config, accessToken)).rejects.toMatchObject({
      name: 'WWWAuthenticateChallengeError',
      status: 401,
      cause: [{ scheme: 'basic', parameters: { realm: 'oauth' } }],
    });
  });
});
