import { createPublicKey } from 'node:crypto';
import { b64, hmacToken, signToken, withSegment } from '../harness/jws.ts';
import { headerOf, type TokenContext, victimClaimsWith } from '../harness/token-context.ts';
import { now, type TokenCase, YEAR, ZERO_SIG } from './token-case.ts';

/** `alg: none` (RFC 8725 §2.1), in the casings that slipped past case-sensitive checks elsewhere. */
export const ALG_NONE: TokenCase[] = ['none', 'None', 'NONE', 'nOnE'].flatMap((alg): TokenCase[] => [
  [
    `alg ${alg}, empty signature, the victim's claims`,
    (c) => `${b64(headerOf(c, { alg }))}.${b64(c.victimClaims)}.`,
    'TOKEN_INVALID',
  ],
  [
    `alg ${alg}, the victim's real signature kept`,
    (c) => withSegment(c.victim.accessToken, 0, b64(headerOf(c, { alg }))),
    'TOKEN_INVALID',
  ],
  [
    `alg ${alg}, a zero signature of Ed25519 length`,
    (c) => `${b64(headerOf(c, { alg }))}.${b64(c.victimClaims)}.${ZERO_SIG}`,
    'TOKEN_INVALID',
  ],
  [
    `alg ${alg}, no kid, no typ, two segments`,
    (c) => `${b64({ alg })}.${b64(c.victimClaims)}`,
    'TOKEN_INVALID',
  ],
]);

/** The public key in every form an HMAC key confusion (RFC 8725 §2.1) might take it. */
const PUBLIC_KEY_ENCODINGS: [string, (c: TokenContext) => Buffer | string][] = [
  ['the raw 32 key bytes', (c) => Buffer.from(c.publicJwk.x, 'base64url')],
  ['the JWK x member (base64url text)', (c) => c.publicJwk.x],
  ['standard base64 with padding', (c) => Buffer.from(c.publicJwk.x, 'base64url').toString('base64')],
  ['hex', (c) => Buffer.from(c.publicJwk.x, 'base64url').toString('hex')],
  ['the JWK as JSON', (c) => JSON.stringify(c.publicJwk)],
  ['the JWKS document as served', (c) => c.jwksText],
  [
    'SPKI PEM',
    (c) => createPublicKey({ key: c.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }),
  ],
  [
    'SPKI DER',
    (c) => createPublicKey({ key: c.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'der' }),
  ],
];

/** HS256 (43-character MAC) and HS512 (86 characters: the Ed25519 length, so it passes the length gate). */
export const HMAC_CONFUSION: TokenCase[] = PUBLIC_KEY_ENCODINGS.flatMap(([encoding, secret]) =>
  ([256, 512] as const).map(
    (bits): TokenCase => [
      `HS${bits} keyed with the public key as ${encoding}`,
      (c) => hmacToken(secret(c), headerOf(c, { alg: `HS${bits}` }), c.victimClaims, bits),
      'TOKEN_INVALID',
    ],
  ),
);

const foreign = (
  c: TokenContext,
  header: Record<string, unknown> = {},
  claims: Record<string, unknown> = {},
) => signToken(c.foreign, headerOf(c, header), victimClaimsWith(c, claims));

/** Signed by a key the fleet never published, with the victim's claims. */
export const FOREIGN_KEY: TokenCase[] = [
  ['foreign Ed25519 key claiming the real kid', (c) => foreign(c), 'TOKEN_INVALID'],
  ['foreign key with an unknown kid', (c) => foreign(c, { kid: 'attacker-key-1' }), 'TOKEN_INVALID'],
  ['foreign key with no kid', (c) => foreign(c, { kid: undefined }), 'TOKEN_INVALID'],
  ['foreign key with an empty kid', (c) => foreign(c, { kid: '' }), 'TOKEN_INVALID'],
  ['foreign key, kid a path', (c) => foreign(c, { kid: '../../.well-known/jwks.json' }), 'TOKEN_INVALID'],
  ['foreign key, kid the trap URL', (c) => foreign(c, { kid: `${c.trap.url}/kid` }), 'TOKEN_INVALID'],
  ['foreign key, kid an SQL fragment', (c) => foreign(c, { kid: "' OR '1'='1" }), 'TOKEN_INVALID'],
  [
    'foreign key embedded as jwk, with the real kid',
    (c) => foreign(c, { jwk: { ...c.foreignJwk, kid: c.real.kid } }),
    'TOKEN_INVALID',
  ],
  [
    'foreign key embedded as jwk, no kid',
    (c) => foreign(c, { jwk: c.foreignJwk, kid: undefined }),
    'TOKEN_INVALID',
  ],
  [
    'foreign key, jku pointing at a server that serves it',
    (c) => foreign(c, { jku: `${c.trap.url}/jwks.json` }),
    'TOKEN_INVALID',
  ],
  [
    'foreign key, x5u pointing at the trap',
    (c) => foreign(c, { x5u: `${c.trap.url}/cert.pem` }),
    'TOKEN_INVALID',
  ],
  [
    'foreign key, x5c carrying the foreign key (DER)',
    (c) =>
      foreign(c, {
        x5c: [createPublicKey(c.foreign).export({ type: 'spki', format: 'der' }).toString('base64')],
      }),
    'TOKEN_INVALID',
  ],
  [
    'foreign key, iss the trap URL (discovery bait)',
    (c) => foreign(c, {}, { iss: c.trap.url }),
    'TOKEN_INVALID',
  ],
  ['foreign key, crit [exp]', (c) => foreign(c, { crit: ['exp'], exp: 1 }), 'TOKEN_INVALID'],
  ['foreign key, a lifetime of years', (c) => foreign(c, {}, { exp: now() + 5 * YEAR }), 'TOKEN_INVALID'],
];
