import { b64, ofLength, signSegments, signToken } from '../harness/jws.ts';
import { headerOf, insiderClaims, type TokenContext } from '../harness/token-context.ts';
import { now, type TokenCase, YEAR } from './token-case.ts';

const real = (c: TokenContext, header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}) =>
  signToken(c.real.key, headerOf(c, header), insiderClaims(c, claims));
const realRaw = (c: TokenContext, header: string, payload: string) =>
  signSegments(c.real.key, b64(header), b64(payload));

/**
 * Signed with the REAL key, so the signature is valid and only the verification policy of each
 * running service can refuse them (an insider's claims: a policy hole would not touch the victim).
 */
export const POLICY_REAL_KEY: TokenCase[] = [
  ['alg none, signed with the real key', (c) => real(c, { alg: 'none' }), 'TOKEN_INVALID'],
  ['alg NONE, signed with the real key', (c) => real(c, { alg: 'NONE' }), 'TOKEN_INVALID'],
  ['alg Ed25519 (not on the allowlist)', (c) => real(c, { alg: 'Ed25519' }), 'TOKEN_INVALID'],
  ['alg HS256 over an Ed25519 signature', (c) => real(c, { alg: 'HS256' }), 'TOKEN_INVALID'],
  ['alg missing', (c) => real(c, { alg: undefined }), 'TOKEN_INVALID'],
  ['the real public key embedded as jwk', (c) => real(c, { jwk: c.publicJwk }), 'TOKEN_INVALID'],
  ['jku header to the trap', (c) => real(c, { jku: `${c.trap.url}/jwks.json` }), 'TOKEN_INVALID'],
  ['x5u header to the trap', (c) => real(c, { x5u: `${c.trap.url}/cert.pem` }), 'TOKEN_INVALID'],
  ['x5c header', (c) => real(c, { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }), 'TOKEN_INVALID'],
  ['crit [exp]', (c) => real(c, { crit: ['exp'] }), 'TOKEN_INVALID'],
  ['crit [] (empty)', (c) => real(c, { crit: [] }), 'TOKEN_INVALID'],
  ['crit [b64] with b64 false', (c) => real(c, { crit: ['b64'], b64: false }), 'TOKEN_INVALID'],
  ['typ JWT', (c) => real(c, { typ: 'JWT' }), 'TOKEN_INVALID'],
  ['typ missing', (c) => real(c, { typ: undefined }), 'TOKEN_INVALID'],
  ['typ a number', (c) => real(c, { typ: 1 }), 'TOKEN_INVALID'],
  ['kid missing', (c) => real(c, { kid: undefined }), 'TOKEN_INVALID'],
  ['kid unknown', (c) => real(c, { kid: 'rotated-away' }), 'TOKEN_INVALID'],
  ['kid an object', (c) => real(c, { kid: { $ne: null } }), 'TOKEN_INVALID'],
  ['header not JSON', (c) => realRaw(c, '{alg:EdDSA', JSON.stringify(insiderClaims(c))), 'TOKEN_INVALID'],
  ['header a JSON array', (c) => realRaw(c, '["EdDSA"]', JSON.stringify(insiderClaims(c))), 'TOKEN_INVALID'],
  ['wrong aud', (c) => real(c, {}, { aud: 'billing' }), 'TOKEN_INVALID'],
  ['aud missing', (c) => real(c, {}, { aud: undefined }), 'TOKEN_INVALID'],
  ['aud an array without ours', (c) => real(c, {}, { aud: ['billing', 'admin'] }), 'TOKEN_INVALID'],
  ['aud a number', (c) => real(c, {}, { aud: 1 }), 'TOKEN_INVALID'],
  ['wrong iss (the trap URL)', (c) => real(c, {}, { iss: c.trap.url }), 'TOKEN_INVALID'],
  ['iss with a trailing slash', (c) => real(c, {}, { iss: `${c.issuer}/` }), 'TOKEN_INVALID'],
  ['iss missing', (c) => real(c, {}, { iss: undefined }), 'TOKEN_INVALID'],
  ...['sub', 'sid', 'jti', 'iat', 'exp'].map(
    (claim): TokenCase => [`${claim} missing`, (c) => real(c, {}, { [claim]: undefined }), 'TOKEN_INVALID'],
  ),
  ['exp a numeric string', (c) => real(c, {}, { exp: String(now() + 600) }), 'TOKEN_INVALID'],
  ['iat a numeric string', (c) => real(c, {}, { iat: String(now()) }), 'TOKEN_INVALID'],
  ['exp fractional', (c) => real(c, {}, { exp: now() + 600.5 }), 'TOKEN_INVALID'],
  ['exp null', (c) => real(c, {}, { exp: null }), 'TOKEN_INVALID'],
  ['exp true', (c) => real(c, {}, { exp: true }), 'TOKEN_INVALID'],
  [
    'exp 1e400 (Infinity once parsed)',
    (c) =>
      realRaw(
        c,
        JSON.stringify(headerOf(c)),
        JSON.stringify(insiderClaims(c)).replace(/"exp":\d+/, '"exp":1e400'),
      ),
    'TOKEN_INVALID',
  ],
  ['exp negative', (c) => real(c, {}, { iat: 0, exp: -1 }), 'TOKEN_EXPIRED'],
  ['jti a number', (c) => real(c, {}, { jti: 12345 }), 'TOKEN_INVALID'],
  ['jti empty', (c) => real(c, {}, { jti: '' }), 'TOKEN_INVALID'],
  ['jti of 300 characters', (c) => real(c, {}, { jti: 'j'.repeat(300) }), 'TOKEN_INVALID'],
  ['sub an object', (c) => real(c, {}, { sub: { $ne: null } }), 'TOKEN_INVALID'],
  ['sid an array', (c) => real(c, {}, { sid: ['a', 'b'] }), 'TOKEN_INVALID'],
  ['expired an hour ago', (c) => real(c, {}, { iat: now() - 4200, exp: now() - 3600 }), 'TOKEN_EXPIRED'],
  ['nbf an hour ahead', (c) => real(c, {}, { nbf: now() + 3600 }), 'TOKEN_INVALID'],
  ['iat an hour ahead', (c) => real(c, {}, { iat: now() + 3600, exp: now() + 4000 }), 'TOKEN_INVALID'],
  ['a lifetime of years', (c) => real(c, {}, { exp: now() + 3 * YEAR }), 'TOKEN_INVALID'],
  ['a lifetime of two days', (c) => real(c, {}, { exp: now() + 2 * 86_400 }), 'TOKEN_INVALID'],
  ['iat 0 (a lifetime of decades)', (c) => real(c, {}, { iat: 0 }), 'TOKEN_INVALID'],
  ['exp equal to iat', (c) => real(c, {}, { exp: now(), iat: now() }), 'TOKEN_INVALID'],
  ['payload not JSON', (c) => realRaw(c, JSON.stringify(headerOf(c)), '{"exp":'), 'TOKEN_INVALID'],
  ['payload a JSON array', (c) => realRaw(c, JSON.stringify(headerOf(c)), '[1,2]'), 'TOKEN_INVALID'],
  ['payload null', (c) => realRaw(c, JSON.stringify(headerOf(c)), 'null'), 'TOKEN_INVALID'],
  [
    'a valid token of 8 KB + 1 (past the size gate)',
    (c) => ofLength((pad, headerPad) => real(c, { pad: headerPad }, { pad }), 8193),
    'TOKEN_INVALID',
  ],
];
