// Known-answer tests of the signature path: RFC 8037's Ed25519 JWS, RFC 7515's examples of other
// algorithms (refused), and Project Wycheproof's Ed25519 vectors. Origins: vectors/README.md.
import { createHmac, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyEd25519 } from './ed25519.ts';
import { localKeys } from './key-source.ts';
import { expectAuthError, T0 } from './test-support.ts';
import {
  RFC7515_ES256,
  RFC7515_HS256,
  RFC7515_NONE,
  RFC8037_JWS,
  RFC8037_KEY,
} from './vectors/rfc-examples.ts';
import { toEd25519KeyObject } from './verification-key.ts';
import { createTokenVerifier } from './verify-token.ts';

const publicJwk = { kty: RFC8037_KEY.kty, crv: RFC8037_KEY.crv, x: RFC8037_KEY.x };
const rfcPublicKey = toEd25519KeyObject(publicJwk);
const ascii = (text: string) => Buffer.from(text, 'latin1');
const b64u = (text: string) => Buffer.from(text, 'base64url');

describe('RFC 8037 Appendix A (Ed25519 JWS)', () => {
  it('A.4: signing the example input with the A.1 key gives the published signature', () => {
    const privateKey = createPrivateKey({ key: { ...RFC8037_KEY }, format: 'jwk' });
    const signature = sign(null, ascii(RFC8037_JWS.signingInput), privateKey);
    expect(signature.toString('base64url')).toBe(RFC8037_JWS.signature);
  });

  it('A.5: the primitive accepts the published signature, and refuses it on a changed input', () => {
    const signature = b64u(RFC8037_JWS.signature);
    expect(verifyEd25519(rfcPublicKey, ascii(RFC8037_JWS.signingInput), signature)).toBe(true);
    expect(verifyEd25519(rfcPublicKey, ascii(`${RFC8037_JWS.signingInput}.`), signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[0]! ^= 1;
    expect(verifyEd25519(rfcPublicKey, ascii(RFC8037_JWS.signingInput), flipped)).toBe(false);
  });

  it('the verifier still refuses the A.4 JWS as an access token: no typ, no kid, no claims', async () => {
    const verifier = createTokenVerifier({
      issuer: 'http://auth.test',
      audience: 'notes',
      keys: localKeys({ keys: [{ ...publicJwk, kid: 'rfc8037' }] }),
    });
    await expectAuthError(
      verifier.verify(`${RFC8037_JWS.signingInput}.${RFC8037_JWS.signature}`),
      'TOKEN_INVALID',
    );
  });

  it('the verifier accepts an access token signed with the RFC 8037 key', async () => {
    const privateKey = createPrivateKey({ key: { ...RFC8037_KEY }, format: 'jwk' });
    const nowSec = Math.floor(T0 / 1000);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'EdDSA', typ: 'at+jwt', kid: 'rfc8037' })}.${encode({
      iss: 'http://auth.test',
      aud: 'notes',
      sub: 'u',
      sid: 's',
      jti: 'j',
      iat: nowSec,
      exp: nowSec + 900,
    })}`;
    const token = `${input}.${sign(null, ascii(input), privateKey).toString('base64url')}`;
    const verifier = createTokenVerifier({
      issuer: 'http://auth.test',
      audience: 'notes',
      keys: localKeys({ keys: [{ ...publicJwk, kid: 'rfc8037' }] }),
      now: () => T0,
    });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'u', kid: 'rfc8037' });
  });
});

describe('RFC 7515 Appendix A (no EdDSA example there: other algorithms, refused)', () => {
  it('the examples are genuine: A.1 is the HMAC of its input, A.3 verifies under its EC key', () => {
    const [h1 = '', p1 = '', s1 = ''] = RFC7515_HS256.token.split('.');
    const mac = createHmac('sha256', b64u(RFC7515_HS256.key.k)).update(`${h1}.${p1}`).digest();
    expect(mac.toString('base64url')).toBe(s1);
    const [h3 = '', p3 = '', s3 = ''] = RFC7515_ES256.token.split('.');
    const ecKey = createPublicKey({ key: { ...RFC7515_ES256.key }, format: 'jwk' });
    expect(verify('sha256', ascii(`${h3}.${p3}`), { key: ecKey, dsaEncoding: 'ieee-p1363' }, b64u(s3))).toBe(
      true,
    );
  });

  it.each([
    ['A.1 HS256', RFC7515_HS256.token],
    ['A.3 ES256 (a 64-byte signature, past the length gate)', RFC7515_ES256.token],
    ['A.5 alg none', RFC7515_NONE.token],
  ])('%s → TOKEN_INVALID, even with a key source that offers the key', async (_name, token) => {
    let lookups = 0;
    const verifier = createTokenVerifier({
      issuer: 'joe',
      audience: 'notes',
      keys: async () => {
        lookups++;
        return RFC7515_ES256.key;
      },
      now: () => 1_300_000_000_000,
    });
    await expectAuthError(verifier.verify(token), 'TOKEN_INVALID');
    expect(lookups, 'refused on its alg, before any key lookup').toBe(0);
  });

  it('a non-Ed25519 key is never used to verify', () => {
    expect(() => toEd25519KeyObject(RFC7515_ES256.key)).toThrow(TypeError);
    expect(() => toEd25519KeyObject(RFC7515_HS256.key)).toThrow(TypeError);
    expect(() => toEd25519KeyObject(b64u(RFC7515_HS256.key.k))).toThrow(TypeError);
    expect(() => toEd25519KeyObject({ ...RFC8037_KEY })).toThrow(TypeError); // a private JWK
  });
});

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: { publicKeyJwk: { kty: string; crv: string; x: string }; tests: WycheproofTest[] }[];
}

const wycheproof = JSON.parse(
  readFileSync(new URL('./vectors/wycheproof-ed25519.json', import.meta.url), 'utf8'),
) as WycheproofFile;
const wycheproofCases = wycheproof.testGroups.flatMap((group) =>
  group.tests.map((test) => ({ ...test, jwk: group.publicKeyJwk })),
);

describe('Wycheproof Ed25519 vectors', () => {
  it('holds every test of the file, and no "acceptable" result (none has a treatment decided here)', () => {
    expect(wycheproofCases).toHaveLength(wycheproof.numberOfTests);
    expect(wycheproofCases.filter((test) => test.result === 'acceptable')).toEqual([]);
  });

  it.each(wycheproofCases)('tcId $tcId ($flags): $result', ({ jwk, msg, sig, result }) => {
    const key = toEd25519KeyObject({ ...jwk });
    expect(verifyEd25519(key, Buffer.from(msg, 'hex'), Buffer.from(sig, 'hex'))).toBe(result === 'valid');
  });
});
