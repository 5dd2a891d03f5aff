import { localKeys } from '@revoke/auth';
import { createTokenVerifier } from '@revoke/auth/internal';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokenIssuer } from './access-tokens.ts';
import { createSigningKeyStore } from './signing-keys.ts';

const ISSUER = 'http://auth.test';
const AUDIENCE = 'revoke';
const TTL_SEC = 900;
const TOLERANCE_SEC = 5;

let testDb: TestDb<'auth'>;
beforeAll(async () => {
  testDb = await createTestDb('auth');
});
afterAll(() => testDb.close());

describe('access tokens from the persisted key store', () => {
  it('verify with the store JWKS across a rotation, until the old key leaves the JWKS', async () => {
    const clock = { ms: Date.now() };
    const now = () => clock.ms;
    const keys = createSigningKeyStore({
      db: testDb.db,
      maxTokenLifetimeSec: TTL_SEC,
      clockToleranceSec: TOLERANCE_SEC,
      now,
    });
    await keys.init();
    const issuer = createAccessTokenIssuer({
      keys,
      issuer: ISSUER,
      audience: AUDIENCE,
      ttlSec: TTL_SEC,
      now,
    });
    // What a service does: a verifier over the JWKS it fetched most recently.
    const verifierNow = () =>
      createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: localKeys(keys.jwks()), now });

    const before = await issuer.issue({ sub: 'user-1', sid: 'session-1' });
    await expect(verifierNow().verify(before.token)).resolves.toMatchObject({ jti: before.jti });

    const newKid = await keys.rotate({ publishDelaySec: 60 });
    // Published, not signing yet: a service that fetched the JWKS now knows both keys.
    const jwksAtRotation = keys.jwks();
    const fetchedAtRotation = verifierNow();
    const duringDelay = await issuer.issue({ sub: 'user-1', sid: 'session-1' });
    expect(decodeProtectedHeader(duringDelay.token).kid).toBe(decodeProtectedHeader(before.token).kid);

    clock.ms += 60_000;
    const after = await issuer.issue({ sub: 'user-1', sid: 'session-1' });
    expect(decodeProtectedHeader(after.token).kid).toBe(newKid);
    // The JWKS fetched before activation already verifies the new key's tokens, and the old ones.
    await expect(fetchedAtRotation.verify(after.token)).resolves.toMatchObject({ jti: after.jti });
    await expect(verifierNow().verify(after.token)).resolves.toMatchObject({ jti: after.jti });
    await expect(verifierNow().verify(duringDelay.token)).resolves.toMatchObject({ jti: duringDelay.jti });

    // Long after the old key retired (every token it signed has expired), it leaves the JWKS, and
    // a token it signed fails on the key alone, even for a verifier whose clock says it is in date.
    clock.ms += (TTL_SEC + TOLERANCE_SEC) * 1000;
    const currentJwks = keys.jwks();
    expect(currentJwks.keys.map((key) => key.kid)).toEqual([newKid]);
    const clockAtIssue = () => clock.ms - (TTL_SEC + TOLERANCE_SEC + 60) * 1000 + 1000;
    const staleClockVerifier = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: localKeys(currentJwks),
      now: clockAtIssue,
    });
    await expect(staleClockVerifier.verify(before.token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    // Control: the same clock with the JWKS of rotation time accepts it, so the key is what changed.
    const oldJwksVerifier = createTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: localKeys(jwksAtRotation),
      now: clockAtIssue,
    });
    await expect(oldJwksVerifier.verify(before.token)).resolves.toMatchObject({ jti: before.jti });
  });
});
