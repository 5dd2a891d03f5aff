import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { request } from 'node:http';
import { createVerifier } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

// Discovery and get-jwks follow the URLs the metadata names: the issuer is the app's own URL.
let issuer: string;
let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp({}, { issuerIsOwnUrl: true });
  issuer = app.url;
});
afterAll(() => app?.close());

const AS_METADATA = '/.well-known/oauth-authorization-server';
const OPENID_CONFIGURATION = '/.well-known/openid-configuration';
const JWKS = '/.well-known/jwks.json';

/** The RFC 8414 document, written out here so that a change to it has to change this test too. */
const expectedMetadata = () => ({
  issuer,
  jwks_uri: `${issuer}/.well-known/jwks.json`,
  token_endpoint: `${issuer}/oauth/token`,
  grant_types_supported: ['client_credentials'],
  response_types_supported: [],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  revocation_endpoint: `${issuer}/oauth/revoke`,
  revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
  introspection_endpoint: `${issuer}/oauth/introspect`,
  introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
});

/** A GET through node:http, since fetch drops a `Host` header it is given. */
function getWithHeaders(path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(issuer);
    request({ hostname, port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe('discovery documents', () => {
  it('describe the server at both addresses, with the issuer the tokens carry as iss', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    expect(decodeJwt(accessToken).iss).toBe(issuer);

    const metadata = await fetch(`${issuer}${AS_METADATA}`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await metadata.json()).toEqual(expectedMetadata());

    const openId = await fetch(`${issuer}${OPENID_CONFIGURATION}`);
    expect(openId.status).toBe(200);
    expect(openId.headers.get('content-type')).toMatch(/^application\/json/);
    // No authorization endpoint and no ID tokens: nothing about them is claimed.
    expect(await openId.json()).toEqual({ ...expectedMetadata(), subject_types_supported: ['public'] });
  });

  it('name endpoints that exist', async () => {
    const { jwks_uri, ...metadata } = expectedMetadata();
    const jwks = (await (await fetch(jwks_uri)).json()) as JSONWebKeySet;
    expect(jwks.keys.map((key) => key.kid)).toContain(app.deps.keys.current().kid);
    for (const endpoint of [
      metadata.token_endpoint,
      metadata.revocation_endpoint,
      metadata.introspection_endpoint,
    ]) {
      // Neither credentials nor a token: refused by the endpoint, not missing (404).
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect([400, 401], endpoint).toContain(response.status);
    }
  });

  it('are built from ISSUER alone: a forged Host or X-Forwarded-Host changes nothing', async () => {
    const forged = {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    };
    for (const path of [AS_METADATA, OPENID_CONFIGURATION]) {
      const plain = await (await fetch(`${issuer}${path}`)).text();
      const underForgedHost = await getWithHeaders(path, forged);
      expect(underForgedHost).toBe(plain);
      expect(underForgedHost).not.toContain('evil.example');
    }
  });

  it('may be cached an hour, and revalidated with their ETag', async () => {
    for (const path of [AS_METADATA, OPENID_CONFIGURATION]) {
      const first = await fetch(`${issuer}${path}`);
      expect(first.headers.get('cache-control')).toBe('public, max-age=3600');
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await fetch(`${issuer}${path}`, { headers: { 'if-none-match': etag ?? '' } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
    }
  });
});

describe('the JWKS', () => {
  it('may be cached 10 s (under the publish delay of a rotated key), with an ETag, and answers 304 while unchanged', async () => {
    const first = await fetch(`${issuer}${JWKS}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('public, max-age=10');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);

    const unchanged = await fetch(`${issuer}${JWKS}`, { headers: { 'if-none-match': etag ?? '' } });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe('');
    // RFC 9110 §15.4.5: a 304 carries the validator and the caching headers a 200 would.
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(unchanged.headers.get('cache-control')).toBe('public, max-age=10');

    const otherTag = await fetch(`${issuer}${JWKS}`, { headers: { 'if-none-match': '"something-else"' } });
    expect(otherTag.status).toBe(200);
    expect(((await otherTag.json()) as JSONWebKeySet).keys.length).toBeGreaterThan(0);
  });

  it('gets a new ETag the moment a rotated key is published, so a revalidating cache picks it up', async () => {
    const before = await fetch(`${issuer}${JWKS}`);
    const etag = before.headers.get('etag') ?? '';
    const kid = await app.deps.keys.rotate({ publishDelaySec: 60 });

    const after = await fetch(`${issuer}${JWKS}`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as JSONWebKeySet).keys.map((key) => key.kid)).toContain(kid);
  });
});

/** A resource server that knows only the issuer: fast-jwt, with keys from get-jwks. */
function resourceServer() {
  // Keys found through `/.well-known/openid-configuration` and its `jwks_uri`, cached by `kid`.
  const jwks = buildGetJwks({ providerDiscovery: true, issuersWhitelist: [issuer] });
  const verify = createVerifier({
    algorithms: ['EdDSA'],
    allowedIss: issuer,
    allowedAud: 'revoke',
    // The key is looked up by the token's unverified `iss`; `issuersWhitelist` keeps a forged one from
    // sending get-jwks to another host. get-jwks's `getPublicKey` converts with jwk-to-pem, which has
    // no OKP (Ed25519) keys, so the JWK is converted with node:crypto instead, to the PEM fast-jwt takes.
    key: async (token: { header: { alg?: string; kid?: string }; payload: { iss?: string } }) => {
      const { header, payload } = token;
      const jwk = await jwks.getJwk({
        domain: payload.iss ?? '',
        alg: header.alg ?? '',
        kid: header.kid ?? '',
      });
      return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
    },
  });
  const isCached = (kid: string) =>
    jwks.cache.get(jwks.generateCacheKey('EdDSA', kid, `${issuer}/`)) !== undefined;
  return { verify, isCached };
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid ?? '';

describe('a resource server on fast-jwt and get-jwks', () => {
  it('verifies access tokens, refuses foreign keys, and follows a key rotation', async () => {
    const { verify, isCached } = resourceServer();
    const first = await signUpAndLogIn(app);
    await expect(verify(first.accessToken)).resolves.toMatchObject({ iss: issuer, sub: first.user.id });
    expect(isCached(kidOf(first.accessToken))).toBe(true);

    // A stranger's key, under a kid the JWKS does not have and under the real kid: both refused.
    const stranger = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forge = (kid: string) =>
      new SignJWT({ sid: 'forged' })
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setIssuer(issuer)
        .setAudience('revoke')
        .setSubject(first.user.id)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(stranger.privateKey);
    await expect(verify(await forge('not-published'))).rejects.toMatchObject({
      code: 'FAST_JWT_KEY_FETCHING_ERROR',
    });
    await expect(verify(await forge(kidOf(first.accessToken)))).rejects.toMatchObject({
      code: 'FAST_JWT_INVALID_SIGNATURE',
    });

    // Published now and signing now: the first token of the new key is a cache miss for get-jwks,
    // which then reads the metadata and the JWKS again and finds it.
    const rotated = await app.deps.keys.rotate({ publishDelaySec: 0 });
    const second = await signUpAndLogIn(app);
    expect(kidOf(second.accessToken)).toBe(rotated);
    expect(isCached(rotated)).toBe(false);
    await expect(verify(second.accessToken)).resolves.toMatchObject({ iss: issuer, sub: second.user.id });
    expect(isCached(rotated)).toBe(true);
    // The retired key stays published until its last token expires.
    await expect(verify(first.accessToken)).resolves.toMatchObject({ sub: first.user.id });
  });
});
