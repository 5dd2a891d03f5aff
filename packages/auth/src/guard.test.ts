import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from './claims.ts';
import { AuthError } from './errors.ts';
import { createAuthGuard } from './guard.ts';
import type { CheckResult } from './observer.ts';
import { RevocationCache } from './revocation/cache.ts';
import type { RevocationFeed } from './revocation/feed.ts';
import { createTestSigner, type TestSigner } from './testing/token-factory.ts';
import { localKeys } from './verify/key-source.ts';
import { createTokenVerifier } from './verify/verify-token.ts';

/** A stand-in for the feed (this is a unit test of the guard's decision alone). */
function fakeFeed(state: { fresh: boolean; direct: () => Promise<boolean> }) {
  const cache = new RevocationCache();
  const feed = {
    cache,
    isFresh: () => state.fresh,
    stalenessMs: () => (state.fresh ? 0 : 10_000),
    checkDirect: (_claims: AccessClaims) => state.direct(),
  };
  return feed as unknown as RevocationFeed;
}

describe('createAuthGuard', () => {
  let signer: TestSigner;
  beforeAll(async () => {
    signer = await createTestSigner();
  });

  function setup(state: { fresh: boolean; direct: () => Promise<boolean> }) {
    const results: CheckResult[] = [];
    const verifier = createTokenVerifier({
      issuer: signer.issuer,
      audience: signer.audience,
      keys: localKeys(signer.jwks),
    });
    const feed = fakeFeed(state);
    const guard = createAuthGuard({ verifier, feed, observer: { check: (result) => results.push(result) } });
    return { guard, feed, results };
  }

  it('accepts a valid token while the feed is fresh, without asking Redis', async () => {
    const { guard, results } = setup({
      fresh: true,
      direct: () => Promise.reject(new Error('must not be called')),
    });
    const token = await signer.sign({ sub: 'alice' });
    await expect(guard.authenticate(token)).resolves.toMatchObject({ sub: 'alice' });
    // The second time comes from the verified-token cache; still checked against revocation.
    await expect(guard.authenticate(token)).resolves.toMatchObject({ sub: 'alice' });
    expect(results).toEqual(['ok', 'ok']);
  });

  it('refuses a token the cache holds as revoked, even when seen before', async () => {
    const { guard, feed, results } = setup({ fresh: true, direct: async () => false });
    const token = await signer.sign();
    const claims = await guard.authenticate(token);
    feed.cache.add({ kind: 'jti', id: claims.jti, exp: claims.exp });
    await expect(guard.authenticate(token)).rejects.toMatchObject({
      code: 'TOKEN_REVOKED',
      message: 'Token revoked (logged out)',
    });
    expect(results).toEqual(['ok', 'revoked']);
  });

  it('asks Redis directly when stale, and applies its answer', async () => {
    let revoked = false;
    const { guard } = setup({ fresh: false, direct: async () => revoked });
    const token = await signer.sign();
    await expect(guard.authenticate(token)).resolves.toBeDefined();
    revoked = true;
    await expect(guard.authenticate(token)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('fails closed when stale and Redis cannot answer, and fails open only when asked (counted)', async () => {
    const { guard, results } = setup({
      fresh: false,
      direct: () => Promise.reject(new AuthError('REVOCATION_UNAVAILABLE')),
    });
    const token = await signer.sign();
    await expect(guard.authenticate(token)).rejects.toMatchObject({ code: 'REVOCATION_UNAVAILABLE' });
    await expect(guard.authenticate(token, { failOpen: true })).resolves.toBeDefined();
    expect(results).toEqual(['unavailable', 'fail_open']);
  });

  it('turns an unexpected failure into TOKEN_INVALID rather than letting it escape', async () => {
    const { guard, results } = setup({ fresh: false, direct: () => Promise.reject(new TypeError('bug')) });
    const token = await signer.sign();
    await expect(guard.authenticate(token)).rejects.toMatchObject({
      name: 'AuthError',
      code: 'TOKEN_INVALID',
    });
    expect(results).toEqual(['invalid']);
  });

  it.each([undefined, null, '', 42, {}])('refuses %j with an AuthError', async (input) => {
    const { guard } = setup({ fresh: true, direct: async () => false });
    await expect(guard.authenticate(input)).rejects.toBeInstanceOf(AuthError);
  });
});
