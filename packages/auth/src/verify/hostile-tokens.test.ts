import type { CryptoKey } from 'jose';
import { base64url, importJWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuthErrorCode } from '../errors.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import type { KeySource } from './key-source.ts';
import {
  createHarness,
  expectAuthError,
  flipBit,
  type Harness,
  signOfLength,
  signRaw,
  T0,
  withSegment,
} from './test-support.ts';
import { createTokenVerifier } from './verify-token.ts';

/** What a hostile case may use to build its token. */
interface Ctx {
  h: Harness;
  signer: TestSigner;
  /** Another issuer's key that claims the same `kid`. */
  foreign: TestSigner;
  /** A valid token of `signer`. */
  valid: string;
  nowSec: number;
}

type Case = [name: string, build: (ctx: Ctx) => unknown, code: AuthErrorCode];

const json = (value: unknown) => JSON.stringify(value);
const header = (signer: TestSigner, extra: Record<string, unknown> = {}) =>
  json({ alg: 'EdDSA', typ: 'at+jwt', kid: signer.kid, ...extra });
const claims = (ctx: Ctx, extra: Record<string, unknown> = {}) =>
  json({
    iss: ctx.signer.issuer,
    aud: ctx.signer.audience,
    sub: 'u',
    sid: 's',
    jti: 'j',
    iat: ctx.nowSec,
    exp: ctx.nowSec + 900,
    ...extra,
  });
const sig = (token: string) => token.split('.')[2] ?? '';
const hmac = async (bits: 256 | 512, keyBytes: Uint8Array, input: string) => {
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: `SHA-${bits}` }, false, [
    'sign',
  ]);
  return base64url.encode(
    new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))),
  );
};
/** HS256/HS512 keyed with the public key's raw bytes: the classic algorithm-confusion forgery. */
const confused = async (ctx: Ctx, bits: 256 | 512) => {
  const input = `${base64url.encode(header(ctx.signer, { alg: `HS${bits}` }))}.${base64url.encode(claims(ctx))}`;
  const x = ctx.signer.jwks.keys[0]?.x ?? '';
  return `${input}.${await hmac(bits, base64url.decode(x), input)}`;
};

const INPUTS: Case[] = [
  ['null', () => null, 'TOKEN_MISSING'],
  ['undefined', () => undefined, 'TOKEN_MISSING'],
  ['empty string', () => '', 'TOKEN_MISSING'],
  ['a number', () => 42, 'TOKEN_INVALID'],
  ['an object', () => ({ token: 'x' }), 'TOKEN_INVALID'],
  ['an array', () => ['a', 'b', 'c'], 'TOKEN_INVALID'],
  ['bytes of a valid token', (c) => new TextEncoder().encode(c.valid), 'TOKEN_INVALID'],
  ['a symbol', () => Symbol('t'), 'TOKEN_INVALID'],
  ['a function', () => () => 'x', 'TOKEN_INVALID'],
];

const SHAPE: Case[] = [
  ['2 segments', (c) => c.valid.split('.').slice(0, 2).join('.'), 'TOKEN_INVALID'],
  ['4 segments', (c) => `${c.valid}.${sig(c.valid)}`, 'TOKEN_INVALID'],
  ['5 segments (JWE shape)', (c) => `${c.valid}.AAAA.AAAA`, 'TOKEN_INVALID'],
  ['empty signature', (c) => withSegment(c.valid, 2, ''), 'TOKEN_INVALID'],
  ['Bearer prefix left on', (c) => `Bearer ${c.valid}`, 'TOKEN_INVALID'],
  [
    'space inside the signature (atob would skip it)',
    (c) => `${c.valid.slice(0, -10)} ${c.valid.slice(-10)}`,
    'TOKEN_INVALID',
  ],
  ['newline inside the signature', (c) => `${c.valid.slice(0, -10)}\n${c.valid.slice(-10)}`, 'TOKEN_INVALID'],
  ['trailing newline', (c) => `${c.valid}\n`, 'TOKEN_INVALID'],
  ['tab inside the payload', (c) => c.valid.replace('.', '.\t'), 'TOKEN_INVALID'],
  ['= padding on the signature', (c) => `${c.valid}==`, 'TOKEN_INVALID'],
  ['+ instead of -', (c) => withSegment(c.valid, 2, `+${sig(c.valid).slice(1)}`), 'TOKEN_INVALID'],
  ['/ instead of _', (c) => withSegment(c.valid, 2, `/${sig(c.valid).slice(1)}`), 'TOKEN_INVALID'],
  ['non-ASCII character', (c) => withSegment(c.valid, 2, `é${sig(c.valid).slice(1)}`), 'TOKEN_INVALID'],
  [
    'non-zero trailing bits in the signature (same bytes, other string)',
    (c) => {
      const last = sig(c.valid).at(-1) ?? 'A';
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      return `${c.valid.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    },
    'TOKEN_INVALID',
  ],
  [
    'header segment of length ≡ 1 mod 4',
    (c) => {
      const [h = ''] = c.valid.split('.');
      return withSegment(c.valid, 0, h + 'A'.repeat((5 - (h.length % 4)) % 4));
    },
    'TOKEN_INVALID',
  ],
  ['truncated signature (1 char)', (c) => c.valid.slice(0, -1), 'TOKEN_INVALID'],
  ['truncated signature (4 chars, still canonical)', (c) => c.valid.slice(0, -4), 'TOKEN_INVALID'],
  ['100 KB token', (c) => c.valid + 'A'.repeat(100_000), 'TOKEN_INVALID'],
  ['valid signed token of 8 KB + 1', (c) => signOfLength(c.signer, 8193), 'TOKEN_INVALID'],
];

const HEADER: Case[] = [
  ...['none', 'None', 'NONE', 'nOnE'].map(
    (alg): Case => [
      `alg ${alg}, no signature`,
      (c) => withSegment(c.valid, 0, base64url.encode(header(c.signer, { alg }))).replace(/[^.]+$/, ''),
      'TOKEN_INVALID',
    ],
  ),
  ...['none', 'NONE'].map(
    (alg): Case => [`alg ${alg}, with a real signature`, (c) => c.signer.sign({}, { alg }), 'TOKEN_INVALID'],
  ),
  ['alg missing', (c) => c.signer.sign({}, { alg: undefined }), 'TOKEN_INVALID'],
  ['alg Ed25519 (not on the allowlist)', (c) => c.signer.sign({}, { alg: 'Ed25519' }), 'TOKEN_INVALID'],
  ['HS256 keyed with the public key bytes', (c) => confused(c, 256), 'TOKEN_INVALID'],
  [
    'HS512 keyed with the public key bytes (64-byte MAC passes the length gate)',
    (c) => confused(c, 512),
    'TOKEN_INVALID',
  ],
  ['unknown kid', (c) => c.signer.sign({}, { kid: 'key-2' }), 'TOKEN_INVALID'],
  ['kid missing', (c) => c.signer.sign({}, { kid: undefined }), 'TOKEN_INVALID'],
  ['kid empty', (c) => c.signer.sign({}, { kid: '' }), 'TOKEN_INVALID'],
  ['kid an object', (c) => c.signer.sign({}, { kid: { $ne: null } }), 'TOKEN_INVALID'],
  ['kid a number', (c) => c.signer.sign({}, { kid: 1 }), 'TOKEN_INVALID'],
  ['kid of 256 characters', (c) => c.signer.sign({}, { kid: 'k'.repeat(256) }), 'TOKEN_INVALID'],
  ['signed by a foreign key with the same kid', (c) => c.foreign.sign(), 'TOKEN_INVALID'],
  [
    'foreign key embedded as jwk',
    (c) => c.foreign.sign({}, { jwk: c.foreign.jwks.keys[0] }),
    'TOKEN_INVALID',
  ],
  ['own key embedded as jwk', (c) => c.signer.sign({}, { jwk: c.signer.jwks.keys[0] }), 'TOKEN_INVALID'],
  ['jku header', (c) => c.signer.sign({}, { jku: 'https://evil.test/jwks.json' }), 'TOKEN_INVALID'],
  ['x5u header', (c) => c.signer.sign({}, { x5u: 'https://evil.test/cert.pem' }), 'TOKEN_INVALID'],
  ['x5c header', (c) => c.signer.sign({}, { x5c: ['MIIB'] }), 'TOKEN_INVALID'],
  ['crit [exp]', (c) => c.signer.sign({}, { crit: ['exp'], exp: 1 }), 'TOKEN_INVALID'],
  ['crit [b64] with b64 false', (c) => c.signer.sign({}, { crit: ['b64'], b64: false }), 'TOKEN_INVALID'],
  ['typ JWT', (c) => c.signer.sign({}, { typ: 'JWT' }), 'TOKEN_INVALID'],
  ['typ missing', (c) => c.signer.sign({}, { typ: undefined }), 'TOKEN_INVALID'],
  ['typ a number', (c) => c.signer.sign({}, { typ: 1 }), 'TOKEN_INVALID'],
  ['header not JSON', (c) => signRaw(c.signer.privateKey, '{alg:EdDSA', claims(c)), 'TOKEN_INVALID'],
  ['header a JSON array', (c) => signRaw(c.signer.privateKey, '["EdDSA"]', claims(c)), 'TOKEN_INVALID'],
  [
    'tampered header (extra member, old signature)',
    (c) => withSegment(c.valid, 0, base64url.encode(header(c.signer, { x: 1 }))),
    'TOKEN_INVALID',
  ],
];

const CLAIMS: Case[] = [
  ...['exp', 'iat', 'jti', 'sub', 'sid'].map(
    (claim): Case => [`${claim} missing`, (c) => c.signer.sign({ [claim]: undefined }), 'TOKEN_INVALID'],
  ),
  ['jti a number', (c) => c.signer.sign({ jti: 1 } as never), 'TOKEN_INVALID'],
  ['jti an object', (c) => c.signer.sign({ jti: { a: 1 } } as never), 'TOKEN_INVALID'],
  ['jti empty', (c) => c.signer.sign({ jti: '' }), 'TOKEN_INVALID'],
  ['jti of 256 characters', (c) => c.signer.sign({ jti: 'j'.repeat(256) }), 'TOKEN_INVALID'],
  ['sub null', (c) => c.signer.sign({ sub: null } as never), 'TOKEN_INVALID'],
  ['sid an array', (c) => c.signer.sign({ sid: ['s'] } as never), 'TOKEN_INVALID'],
  ['exp a string', (c) => c.signer.sign({ exp: String(c.nowSec + 900) } as never), 'TOKEN_INVALID'],
  ['exp fractional', (c) => c.signer.sign({ exp: c.nowSec + 900.5 }), 'TOKEN_INVALID'],
  [
    'exp 1e400 (Infinity after JSON.parse; jose alone accepts it)',
    (c) => signRaw(c.signer.privateKey, header(c.signer), claims(c).replace(/"exp":\d+/, '"exp":1e400')),
    'TOKEN_INVALID',
  ],
  ['iat negative', (c) => c.signer.sign({ iat: -1 }), 'TOKEN_INVALID'],
  ['wrong aud', (c) => c.signer.sign({ aud: 'billing' }), 'TOKEN_INVALID'],
  ['aud array without us', (c) => c.signer.sign({ aud: ['billing', 'admin'] }), 'TOKEN_INVALID'],
  ['aud missing', (c) => c.signer.sign({ aud: undefined }), 'TOKEN_INVALID'],
  ['wrong iss', (c) => c.signer.sign({ iss: 'http://evil.test' }), 'TOKEN_INVALID'],
  ['iss missing', (c) => c.signer.sign({ iss: undefined }), 'TOKEN_INVALID'],
  ['expired', (c) => c.signer.sign({ iat: c.nowSec - 1000, exp: c.nowSec - 100 }), 'TOKEN_EXPIRED'],
  ['nbf ahead', (c) => c.signer.sign({ nbf: c.nowSec + 60 }), 'TOKEN_INVALID'],
  ['lifetime of years', (c) => c.signer.sign({ exp: c.nowSec + 3 * 365 * 86_400 }), 'TOKEN_INVALID'],
  [
    'exp equal to iat (zero lifetime, not yet expired)',
    (c) => c.signer.sign({ iat: c.nowSec, exp: c.nowSec }),
    'TOKEN_INVALID',
  ],
  ['iat in the future', (c) => c.signer.sign({ iat: c.nowSec + 60, exp: c.nowSec + 960 }), 'TOKEN_INVALID'],
  ['payload not JSON', (c) => signRaw(c.signer.privateKey, header(c.signer), '{"exp":'), 'TOKEN_INVALID'],
  ['payload a JSON array', (c) => signRaw(c.signer.privateKey, header(c.signer), '[1]'), 'TOKEN_INVALID'],
];

const TAMPERING: Case[] = [
  [
    'tampered payload (another valid payload spliced in)',
    async (c) => withSegment(c.valid, 1, (await c.signer.sign({ sub: 'admin' })).split('.')[1] ?? ''),
    'TOKEN_INVALID',
  ],
  ['bit-flipped signature', (c) => flipBit(c.valid, 2, 100), 'TOKEN_INVALID'],
  ['bit-flipped payload', (c) => flipBit(c.valid, 1, 77), 'TOKEN_INVALID'],
  [
    'signature of another token',
    async (c) => withSegment(c.valid, 2, sig(await c.signer.sign())),
    'TOKEN_INVALID',
  ],
];

describe('hostile tokens', () => {
  let ctx: Ctx;
  beforeAll(async () => {
    const h = await createHarness();
    const foreign = await createTestSigner({ kid: h.signer.kid, now: () => h.clock.ms });
    ctx = { h, signer: h.signer, foreign, valid: await h.signer.sign(), nowSec: Math.floor(T0 / 1000) };
  });

  it('the baseline token is valid', async () => {
    await expect(ctx.h.verifier.verify(ctx.valid)).resolves.toBeDefined();
  });

  describe.each([
    ['inputs', INPUTS],
    ['shape', SHAPE],
    ['header', HEADER],
    ['claims', CLAIMS],
    ['tampering', TAMPERING],
  ] as const)('%s', (_group, cases) => {
    it.each(cases.map(([name, build, code]) => ({ name, build, code })))(
      '$name → $code',
      async ({ build, code }) => {
        const token = await build(ctx);
        await expectAuthError(ctx.h.verifier.verify(token), code);
        if (typeof token === 'string') expect(ctx.h.verifier.peek(token)).toBeUndefined();
      },
    );
  });

  it('stays TOKEN_INVALID when the key source hands jose the raw public CryptoKey (docs/architecture.md, "Pitfalls")', async () => {
    const publicKey = (await importJWK(ctx.signer.jwks.keys[0]!, 'EdDSA')) as CryptoKey;
    const keys: KeySource = async () => publicKey;
    const verifier = createTokenVerifier({
      issuer: ctx.signer.issuer,
      audience: ctx.signer.audience,
      keys,
      now: () => ctx.h.clock.ms,
    });
    await expect(verifier.verify(ctx.valid)).resolves.toBeDefined();
    const forged = await new SignJWT({ sub: 'admin', sid: 's', jti: 'j' })
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt', kid: ctx.signer.kid })
      .setIssuer(ctx.signer.issuer)
      .setAudience(ctx.signer.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(base64url.decode(ctx.signer.jwks.keys[0]?.x ?? ''));
    await expectAuthError(verifier.verify(forged), 'TOKEN_INVALID');
  });

  it('keeps the underlying error as cause for logs', async () => {
    const error = await expectAuthError(ctx.h.verifier.verify(await ctx.foreign.sign()), 'TOKEN_INVALID');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as { code?: string }).code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
});
