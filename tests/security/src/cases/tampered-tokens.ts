import { randomBytes } from 'node:crypto';
import { b64, decodeSegment, flipBit, ofLength, withSegment } from '../harness/jws.ts';
import { headerOf, type TokenContext, victimClaimsWith } from '../harness/token-context.ts';
import { sig, type TokenCase, YEAR, ZERO_SIG } from './token-case.ts';

const attackerPayloadAs = (c: TokenContext, extra: Record<string, unknown>) =>
  withSegment(c.attacker.accessToken, 1, b64({ ...decodeSegment(c.attacker.accessToken, 1), ...extra }));

/** DER (ECDSA-style SEQUENCE of two INTEGERs) of the 64 signature bytes: a format confusion. */
function derSignature(token: string): string {
  const raw = Buffer.from(sig(token), 'base64url');
  const integer = (bytes: Buffer) => {
    const body = bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const content = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  return withSegment(
    token,
    2,
    Buffer.concat([Buffer.from([0x30, content.length]), content]).toString('base64url'),
  );
}

/** Tokens the auth app issued, changed: every change must break them. */
export const TAMPERED: TokenCase[] = [
  [
    "the attacker's token with sub changed to the victim",
    (c) => attackerPayloadAs(c, { sub: c.victim.id }),
    'TOKEN_INVALID',
  ],
  [
    "the attacker's token with sub, sid and jti the victim's",
    (c) => attackerPayloadAs(c, { sub: c.victim.id, sid: c.victimClaims.sid, jti: c.victimClaims.jti }),
    'TOKEN_INVALID',
  ],
  [
    "the victim's token with exp extended by a year",
    (c) =>
      withSegment(
        c.victim.accessToken,
        1,
        b64(victimClaimsWith(c, { exp: Number(c.victimClaims.exp) + YEAR })),
      ),
    'TOKEN_INVALID',
  ],
  [
    "the victim's token with exp extended by 10 minutes",
    (c) =>
      withSegment(
        c.victim.accessToken,
        1,
        b64(victimClaimsWith(c, { exp: Number(c.victimClaims.exp) + 600 })),
      ),
    'TOKEN_INVALID',
  ],
  [
    "the victim's token with an extra admin claim",
    (c) => withSegment(c.victim.accessToken, 1, b64(victimClaimsWith(c, { admin: true }))),
    'TOKEN_INVALID',
  ],
  [
    "the victim's claims re-serialised with whitespace (same JSON, other bytes)",
    (c) => withSegment(c.victim.accessToken, 1, b64(JSON.stringify(c.victimClaims, null, 1))),
    'TOKEN_INVALID',
  ],
  [
    "the victim's payload under the attacker's header and signature",
    (c) => withSegment(c.attacker.accessToken, 1, c.victim.accessToken.split('.')[1]!),
    'TOKEN_INVALID',
  ],
  [
    "the attacker's token with the victim's signature",
    (c) => withSegment(c.attacker.accessToken, 2, sig(c.victim.accessToken)),
    'TOKEN_INVALID',
  ],
  [
    'header kid changed',
    (c) => withSegment(c.victim.accessToken, 0, b64(headerOf(c, { kid: 'other' }))),
    'TOKEN_INVALID',
  ],
  [
    'header with an extra member',
    (c) => withSegment(c.victim.accessToken, 0, b64(headerOf(c, { x: 1 }))),
    'TOKEN_INVALID',
  ],
  [
    'header typ JWT',
    (c) => withSegment(c.victim.accessToken, 0, b64(headerOf(c, { typ: 'JWT' }))),
    'TOKEN_INVALID',
  ],
  ['signature truncated by 1 character', (c) => c.victim.accessToken.slice(0, -1), 'TOKEN_INVALID'],
  [
    'signature truncated by 4 characters (still canonical)',
    (c) => c.victim.accessToken.slice(0, -4),
    'TOKEN_INVALID',
  ],
  ['signature cut in half', (c) => c.victim.accessToken.slice(0, -43), 'TOKEN_INVALID'],
  ['signature empty', (c) => withSegment(c.victim.accessToken, 2, ''), 'TOKEN_INVALID'],
  ...[0, 7, 255, 256, 511].map(
    (bit): TokenCase => [
      `signature bit ${bit} flipped`,
      (c) => flipBit(c.victim.accessToken, 2, bit),
      'TOKEN_INVALID',
    ],
  ),
  ['payload bit flipped', (c) => flipBit(c.victim.accessToken, 1, 77), 'TOKEN_INVALID'],
  ['header bit flipped', (c) => flipBit(c.victim.accessToken, 0, 9), 'TOKEN_INVALID'],
  ['zero signature (64 zero bytes)', (c) => withSegment(c.victim.accessToken, 2, ZERO_SIG), 'TOKEN_INVALID'],
  [
    'all-ones signature',
    (c) => withSegment(c.victim.accessToken, 2, Buffer.alloc(64, 0xff).toString('base64url')),
    'TOKEN_INVALID',
  ],
  ['DER-encoded signature', (c) => derSignature(c.victim.accessToken), 'TOKEN_INVALID'],
  [
    'signature halves (R and S) swapped',
    (c) => {
      const raw = Buffer.from(sig(c.victim.accessToken), 'base64url');
      return withSegment(
        c.victim.accessToken,
        2,
        Buffer.concat([raw.subarray(32), raw.subarray(0, 32)]).toString('base64url'),
      );
    },
    'TOKEN_INVALID',
  ],
  [
    'S + L (the classic Ed25519 malleability)',
    (c) => withSegment(c.victim.accessToken, 2, malleable(sig(c.victim.accessToken))),
    'TOKEN_INVALID',
  ],
  ['signature doubled', (c) => `${c.victim.accessToken}${sig(c.victim.accessToken)}`, 'TOKEN_INVALID'],
  ['four segments', (c) => `${c.victim.accessToken}.${sig(c.victim.accessToken)}`, 'TOKEN_INVALID'],
  ['two segments', (c) => c.victim.accessToken.split('.').slice(0, 2).join('.'), 'TOKEN_INVALID'],
  ['five segments (JWE shape)', (c) => `${c.victim.accessToken}.AAAA.AAAA`, 'TOKEN_INVALID'],
  ['a leading dot', (c) => `.${c.victim.accessToken}`, 'TOKEN_INVALID'],
  [
    'header and payload swapped',
    (c) => {
      const [h, p, s] = c.victim.accessToken.split('.');
      return `${p}.${h}.${s}`;
    },
    'TOKEN_INVALID',
  ],
  [
    'a forged token of exactly 8 KB (payload padded, signature kept)',
    (c) => ofLength((pad) => withSegment(c.victim.accessToken, 1, b64(victimClaimsWith(c, { pad }))), 8192),
    'TOKEN_INVALID',
  ],
  [
    'a forged token of 8 KB + 1',
    (c) => ofLength((pad) => withSegment(c.victim.accessToken, 1, b64(victimClaimsWith(c, { pad }))), 8193),
    'TOKEN_INVALID',
  ],
  ["the victim's refresh token as an access token", (c) => c.victim.refreshToken, 'TOKEN_INVALID'],
  [
    'random bytes in JWS shape',
    () =>
      `${randomBytes(30).toString('base64url')}.${randomBytes(90).toString('base64url')}.${randomBytes(64).toString('base64url')}`,
    'TOKEN_INVALID',
  ],
];

// The group order of Ed25519: a signature's S plus L verifies in lax implementations (RFC 8032 §8.4).
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The signature with S replaced by S + L (little-endian), the non-canonical twin of a valid signature. */
function malleable(signature: string): string {
  const raw = Buffer.from(signature, 'base64url');
  const s = BigInt(`0x${Buffer.from(raw.subarray(32)).reverse().toString('hex')}`) + L;
  const bytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
  return Buffer.concat([raw.subarray(0, 32), bytes.subarray(0, 32)]).toString('base64url');
}
