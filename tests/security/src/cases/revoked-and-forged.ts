import type { AuthErrorCode } from '@revoke/auth';
import { bearer, type HeaderInput } from '../harness/http.ts';
import { b64, decodeSegment, flipBit, hmacToken, signToken, withSegment } from '../harness/jws.ts';
import { headerOf, type TokenContext, victimClaimsWith } from '../harness/token-context.ts';

/** Every segment of `token` whose last character has spare bits, with those bits set: same bytes, other string. */
export function nonCanonicalTwins(token: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return token.split('.').flatMap((segment, index) => {
    const spare = [0, 0, 0x0f, 0x03][segment.length % 4]!;
    if (spare === 0) return [];
    const last = alphabet.indexOf(segment.at(-1)!);
    return [withSegment(token, index, `${segment.slice(0, -1)}${alphabet[last | spare]}`)];
  });
}

const percentEncoded = (value: string) =>
  [...value].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

export type Variant = [name: string, headers: (token: string) => HeaderInput, reason: AuthErrorCode];

// A page of the web client sends the CSRF header with its cookie, so the cookie reaches the token check.
const withCookie = (value: string) => ({ cookie: `access_token=${value}`, 'x-revoke-csrf': '1' });

/** Spellings of the revoked token: the ones that mean the same token, and near-misses of it. */
export const REVOKED_VARIANTS: Variant[] = [
  ['the exact token', (t) => bearer(t), 'TOKEN_REVOKED'],
  ['scheme "bearer"', (t) => ({ authorization: `bearer ${t}` }), 'TOKEN_REVOKED'],
  ['scheme "BEARER"', (t) => ({ authorization: `BEARER ${t}` }), 'TOKEN_REVOKED'],
  ['scheme "BeArEr"', (t) => ({ authorization: `BeArEr ${t}` }), 'TOKEN_REVOKED'],
  ['the bare token (no scheme)', (t) => ({ authorization: t }), 'TOKEN_REVOKED'],
  ['surrounding spaces', (t) => ({ authorization: `   Bearer ${t}   ` }), 'TOKEN_REVOKED'],
  ['several spaces after Bearer', (t) => ({ authorization: `Bearer     ${t}` }), 'TOKEN_REVOKED'],
  ['a tab after Bearer', (t) => ({ authorization: `Bearer\t${t}` }), 'TOKEN_INVALID'],
  ['in the cookie', (t) => withCookie(t), 'TOKEN_REVOKED'],
  ['in the cookie, every byte percent-encoded', (t) => withCookie(percentEncoded(t)), 'TOKEN_REVOKED'],
  ['in the cookie, quoted', (t) => withCookie(`"${t}"`), 'TOKEN_INVALID'],
  [
    'in the header and the cookie at once',
    (t) => ({ ...bearer(t), cookie: `access_token=${t}` }),
    'TOKEN_REVOKED',
  ],
  ['"=" padding on the signature', (t) => bearer(`${t}=`), 'TOKEN_INVALID'],
  ['"==" padding on the signature', (t) => bearer(`${t}==`), 'TOKEN_INVALID'],
  ['"=" padding on the header', (t) => bearer(t.replace('.', '=.')), 'TOKEN_INVALID'],
  ['"=" padding on the payload', (t) => bearer(withSegment(t, 1, `${t.split('.')[1]}=`)), 'TOKEN_INVALID'],
  [
    // The signature re-encoded in standard base64 always changes (its 64 bytes need "==" padding),
    // so the variant is never the unchanged token, whatever characters the token happens to hold.
    'standard base64 (+, / and = padding)',
    (t) => {
      const [header, payload, signature] = t.split('.') as [string, string, string];
      const standard = (segment: string) => segment.replace(/-/g, '+').replace(/_/g, '/');
      return bearer(
        `${standard(header)}.${standard(payload)}.${Buffer.from(signature, 'base64url').toString('base64')}`,
      );
    },
    'TOKEN_INVALID',
  ],
  ['a space inside the signature', (t) => bearer(`${t.slice(0, -10)} ${t.slice(-10)}`), 'TOKEN_INVALID'],
  ['a trailing dot', (t) => bearer(`${t}.`), 'TOKEN_INVALID'],
  ['upper-cased', (t) => bearer(t.toUpperCase()), 'TOKEN_INVALID'],
];

/** Forged tokens carrying the victim's `jti`, `sid` and `sub`. */
export const FORGED: [name: string, build: (c: TokenContext) => string][] = [
  ['signed by a foreign key with the real kid', (c) => signToken(c.foreign, headerOf(c), c.victimClaims)],
  [
    "the attacker's token with the victim's sub, sid and jti",
    (c) =>
      withSegment(
        c.attacker.accessToken,
        1,
        b64({ ...decodeSegment(c.attacker.accessToken, 1), ...pick(c) }),
      ),
  ],
  ['alg none with the victim claims', (c) => `${b64(headerOf(c, { alg: 'none' }))}.${b64(c.victimClaims)}.`],
  [
    "the victim's header and payload with a zero signature",
    (c) => withSegment(c.victim.accessToken, 2, 'A'.repeat(86)),
  ],
  [
    'HS512 keyed with the public key',
    (c) =>
      hmacToken(Buffer.from(c.publicJwk.x, 'base64url'), headerOf(c, { alg: 'HS512' }), c.victimClaims, 512),
  ],
  ["the victim's token with one signature bit flipped", (c) => flipBit(c.victim.accessToken, 2, 42)],
  [
    "the victim's token with exp extended",
    (c) =>
      withSegment(
        c.victim.accessToken,
        1,
        b64(victimClaimsWith(c, { exp: Number(c.victimClaims.exp) + 3600 })),
      ),
  ],
];
const pick = (c: TokenContext) => ({ sub: c.victim.id, sid: c.victimClaims.sid, jti: c.victimClaims.jti });
