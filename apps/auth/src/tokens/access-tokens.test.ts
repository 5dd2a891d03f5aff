import { localKeys } from '@revoke/auth';
import { createTokenVerifier } from '@revoke/auth/internal';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokenIssuer } from './access-tokens.ts';
import { generateSigningKey, importSigningKey } from './key-material.ts';
import type { SigningKeyStore } from './signing-keys.ts';

const ISSUER = 'http://auth.test';
const AUDIENCE = 'revoke';

/** A one-key store, no database: the issuer only needs `current()`. */
async function oneKeyStore(): Promise<Pick<SigningKeyStore, 'current' | 'signingKey' | 'jwks'>> {
  const generated = await generateSigningKey();
  const privateKey = await importSigningKey(generated.privateJwk);
  return {
    current: () => ({ kid: generated.kid, privateKey }),
    signingKey: async () => ({ kid: generated.kid, privateKey }),
    jwks: () => ({ keys: [{ ...generated.publicJwk } as never] }),
  };
}

async function setup(startMs = Date.UTC(2030, 0, 1, 12, 0, 0, 250)) {
  const clock = { ms: startMs };
  const keys = await oneKeyStore();
  const issuer = createAccessTokenIssuer({
    keys,
    issuer: ISSUER,
    audience: AUDIENCE,
    ttlSec: 900,
    now: () => clock.ms,
  });
  const verifier = createTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys: localKeys(keys.jwks()),
    now: () => clock.ms,
  });
  return { clock, keys, issuer, verifier };
}

describe('the access-token issuer', () => {
  it('signs EdDSA at+jwt tokens with the current kid and exactly the RFC 9068 claims we issue', async () => {
    const { issuer, keys, verifier, clock } = await setup();
    const issued = await issuer.issue({ sub: 'user-1', sid: 'session-1' });
    expect(decodeProtectedHeader(issued.token)).toEqual({
      alg: 'EdDSA',
      typ: 'at+jwt',
      kid: keys.current().kid,
    });
    const payload = decodeJwt(issued.token);
    expect(Object.keys(payload).sort()).toEqual([
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'sid',
      'sub',
    ]);
    const nowSec = Math.floor(clock.ms / 1000);
    expect(payload).toEqual({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-1',
      sid: 'session-1',
      client_id: 'revoke-cli',
      jti: issued.jti,
      iat: nowSec,
      exp: nowSec + 900,
    });
    expect(issued).toMatchObject({ iat: nowSec, exp: nowSec + 900 });
    // 128 random bits, base64url without padding.
    expect(issued.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await expect(verifier.verify(issued.token)).resolves.toMatchObject({
      sub: 'user-1',
      sid: 'session-1',
      jti: issued.jti,
    });
  });

  it('gives every token its own jti', async () => {
    const { issuer } = await setup();
    const jtis = new Set(
      await Promise.all(
        Array.from({ length: 50 }, () => issuer.issue({ sub: 'u', sid: 's' }).then((t) => t.jti)),
      ),
    );
    expect(jtis.size).toBe(50);
  });

  describe('iat and the user not-before (log out everywhere)', () => {
    it('a login in the same second as "log out everywhere" is not born revoked', async () => {
      const { issuer, verifier, clock } = await setup();
      // Log out everywhere at 12:00:00.250 stores a not-before rounded up to 12:00:01.
      const notBefore = Math.ceil(clock.ms / 1000);
      const issued = await issuer.issue({ sub: 'u', sid: 's', notBefore });
      expect(issued.iat).toBe(notBefore);
      // The revocation rule (iat < notBefore is revoked) does not match this token...
      expect(issued.iat < notBefore).toBe(false);
      expect(issued.exp).toBe(notBefore + 900);
      // ...and its iat, one second ahead, is within every verifier's clock tolerance.
      await expect(verifier.verify(issued.token)).resolves.toMatchObject({ iat: notBefore });
    });

    it('an older not-before changes nothing', async () => {
      const { issuer, clock } = await setup();
      const nowSec = Math.floor(clock.ms / 1000);
      const issued = await issuer.issue({ sub: 'u', sid: 's', notBefore: nowSec - 3600 });
      expect(issued.iat).toBe(nowSec);
    });

    it('refuses a not-before the verifiers would make unusable, or that is not whole seconds', async () => {
      const { issuer, clock } = await setup();
      const nowSec = Math.floor(clock.ms / 1000);
      await expect(issuer.issue({ sub: 'u', sid: 's', notBefore: nowSec + 60 })).rejects.toThrow(RangeError);
      // Milliseconds by mistake are far in the future: refused rather than minting a useless token.
      await expect(issuer.issue({ sub: 'u', sid: 's', notBefore: clock.ms })).rejects.toThrow(RangeError);
      await expect(issuer.issue({ sub: 'u', sid: 's', notBefore: nowSec + 0.5 })).rejects.toThrow(RangeError);
    });
  });

  it('rejects a misconfiguration at construction', async () => {
    const keys = await oneKeyStore();
    expect(() => createAccessTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, ttlSec: 0 })).toThrow(
      RangeError,
    );
    expect(() => createAccessTokenIssuer({ keys, issuer: '', audience: AUDIENCE, ttlSec: 900 })).toThrow(
      TypeError,
    );
  });
});
