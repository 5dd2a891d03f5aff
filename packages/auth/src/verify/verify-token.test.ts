import { describe, expect, it } from 'vitest';
import { localKeys } from './key-source.ts';
import { createHarness, expectAuthError, signOfLength, signRaw, T0 } from './test-support.ts';
import { createTokenVerifier } from './verify-token.ts';

describe('createTokenVerifier: valid tokens', () => {
  it('accepts a valid token and returns exactly the access claims, frozen', async () => {
    const { signer, verifier, nowSec } = await createHarness();
    const token = await signer.sign({ sub: 'user-1', sid: 'session-1', jti: 'jti-1', extra: 'dropped' });
    const claims = await verifier.verify(token);
    expect(claims).toEqual({
      iss: signer.issuer,
      aud: signer.audience,
      sub: 'user-1',
      sid: 'session-1',
      jti: 'jti-1',
      iat: nowSec(),
      exp: nowSec() + 900,
      kid: 'key-1',
    });
    expect(Object.isFrozen(claims)).toBe(true);
  });

  it('returns the ids canonical: a UUID sub or sid in upper case comes out in lower case', async () => {
    const { signer, verifier } = await createHarness();
    const uuid = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
    const claims = await verifier.verify(
      await signer.sign({ sub: uuid.toUpperCase(), sid: uuid.toUpperCase() }),
    );
    expect(claims).toMatchObject({ sub: uuid, sid: uuid });
  });

  it('accepts an aud array that contains the audience, and freezes it', async () => {
    const { signer, verifier } = await createHarness();
    const claims = await verifier.verify(await signer.sign({ aud: ['other', signer.audience] }));
    expect(claims.aud).toEqual(['other', signer.audience]);
    expect(Object.isFrozen(claims.aud)).toBe(true);
  });

  it('accepts the RFC 9068 long form typ application/at+jwt', async () => {
    const { signer, verifier } = await createHarness();
    await expect(
      verifier.verify(await signer.sign({}, { typ: 'application/at+jwt' })),
    ).resolves.toBeDefined();
  });

  it('accepts a token within the clock tolerance after exp, rejects it just past', async () => {
    const { signer, verifier, clock } = await createHarness({ clockToleranceSec: 5 });
    const token = await signer.sign();
    clock.ms = T0 + 900_000 + 4_000;
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.ms = T0 + 900_000 + 5_000;
    await expectAuthError(verifier.verify(token), 'TOKEN_EXPIRED');
  });

  it('accepts a token of exactly maxTokenBytes and a lifetime of exactly maxLifetimeSec', async () => {
    const { signer, verifier } = await createHarness({ maxTokenBytes: 1000, maxLifetimeSec: 600 });
    const token = await signOfLength(signer, 1000, { exp: Math.floor(T0 / 1000) + 600 });
    expect(token.length).toBe(1000);
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });
});

describe('createTokenVerifier: peek', () => {
  it('misses before verify, hits after, and returns the very same object', async () => {
    const { signer, verifier } = await createHarness();
    const token = await signer.sign();
    expect(verifier.peek(token)).toBeUndefined();
    const claims = await verifier.verify(token);
    expect(verifier.peek(token)).toBe(claims);
  });

  it('misses once exp (+ tolerance) has passed, and stays a miss', async () => {
    const { signer, verifier, clock } = await createHarness({ clockToleranceSec: 5 });
    const token = await signer.sign();
    await verifier.verify(token);
    clock.ms = T0 + 904_999;
    expect(verifier.peek(token)).toBeDefined();
    clock.ms = T0 + 905_000;
    expect(verifier.peek(token)).toBeUndefined();
    clock.ms = T0;
    expect(verifier.peek(token), 'the expired entry was deleted').toBeUndefined();
  });

  it('never caches a rejected token, and is keyed by the exact string', async () => {
    const { signer, verifier } = await createHarness();
    const token = await signer.sign();
    await verifier.verify(token);
    expect(verifier.peek(`${token} `)).toBeUndefined();
    const bad = await signer.sign({ aud: 'elsewhere' });
    await expectAuthError(verifier.verify(bad), 'TOKEN_INVALID');
    expect(verifier.peek(bad)).toBeUndefined();
  });

  it('evicts the oldest entry when the cache is full', async () => {
    const { signer, verifier } = await createHarness({ verifiedCacheSize: 2 });
    const [a, b, c] = await Promise.all([signer.sign(), signer.sign(), signer.sign()]);
    for (const token of [a, b, c]) await verifier.verify(token);
    expect(verifier.peek(a)).toBeUndefined();
    expect(verifier.peek(b)).toBeDefined();
    expect(verifier.peek(c)).toBeDefined();
  });

  it('caches nothing when verifiedCacheSize is 0', async () => {
    const { signer, verifier } = await createHarness({ verifiedCacheSize: 0 });
    const token = await signer.sign();
    await verifier.verify(token);
    expect(verifier.peek(token)).toBeUndefined();
  });
});

describe('createTokenVerifier: options', () => {
  it('refuses nonsensical options at construction, not per request', async () => {
    const { signer } = await createHarness();
    const base = { issuer: signer.issuer, audience: signer.audience, keys: localKeys(signer.jwks) };
    expect(() => createTokenVerifier({ ...base, maxTokenBytes: 0 })).toThrow(RangeError);
    expect(() => createTokenVerifier({ ...base, maxLifetimeSec: Number.NaN })).toThrow(RangeError);
    expect(() => createTokenVerifier({ ...base, clockToleranceSec: -1 })).toThrow(RangeError);
    expect(() => createTokenVerifier({ ...base, verifiedCacheSize: 1.5 })).toThrow(RangeError);
    expect(() => createTokenVerifier({ ...base, issuer: '' })).toThrow(TypeError);
    expect(() => createTokenVerifier({ ...base, audience: '' })).toThrow(TypeError);
  });

  it('maps a throwing clock to TOKEN_INVALID rather than leaking its error', async () => {
    const { signer } = await createHarness();
    const verifier = createTokenVerifier({
      issuer: signer.issuer,
      audience: signer.audience,
      keys: localKeys(signer.jwks),
      now: () => {
        throw new Error('clock broke');
      },
    });
    const error = await expectAuthError(verifier.verify(await signer.sign()), 'TOKEN_INVALID');
    expect((error.cause as Error).message).toBe('clock broke');
  });
});

describe('createTokenVerifier: payload hygiene', () => {
  it('drops a __proto__ member of the payload instead of passing it on', async () => {
    const { signer, verifier, nowSec } = await createHarness();
    const payload = JSON.stringify({
      iss: signer.issuer,
      aud: signer.audience,
      sub: 'u',
      sid: 's',
      jti: 'j',
      iat: nowSec(),
      exp: nowSec() + 900,
    }).replace('{', '{"__proto__":{"isAdmin":true},');
    const token = await signRaw(
      signer.privateKey,
      JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: signer.kid }),
      payload,
    );
    const claims = await verifier.verify(token);
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect((claims as unknown as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });
});
