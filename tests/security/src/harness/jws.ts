import { createHmac, createPrivateKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { signingKeys } from '@revoke/db/auth';
import type { Stack } from './stack.ts';

/** base64url of a JSON value, or of a string taken as is (so tests can encode malformed JSON). */
export const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The decoded JSON of segment `index` (0 header, 1 payload). */
export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8'));
}

/** `token` with segment `index` replaced. */
export function withSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

/** `token` with bit `bit` of the decoded segment `index` flipped, re-encoded canonically. */
export function flipBit(token: string, index: number, bit: number): string {
  const bytes = Buffer.from(token.split('.')[index] ?? '', 'base64url');
  bytes[Math.floor(bit / 8) % bytes.length]! ^= 1 << (bit % 8);
  return withSegment(token, index, bytes.toString('base64url'));
}

/** A token signed by `key` (Ed25519) over exactly these header and payload segments. */
export function signSegments(key: KeyObject, header: string, payload: string): string {
  const input = `${header}.${payload}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

/** A token signed by `key` with this header and these claims (each a JSON value or a raw string). */
export function signToken(key: KeyObject, header: unknown, claims: unknown): string {
  return signSegments(key, b64(header), b64(claims));
}

/** HMAC-SHA-`bits` of a token's signing input with `secret`: the algorithm-confusion forgery. */
export function hmacToken(secret: Buffer | string, header: unknown, claims: unknown, bits = 256): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac(`sha${bits}`, secret).update(input).digest('base64url')}`;
}

/** A fresh Ed25519 key pair that the fleet has never seen. */
export function foreignKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/**
 * The auth app's real signing key, read from the test's own database. Attackers do not have it;
 * the suite uses it only to build tokens whose signature is valid, so that the one thing that can
 * refuse them is the verification policy (typ, aud, iss, claims, lifetime, size, headers) of the
 * running services rather than the signature check that would stop them first otherwise.
 */
export async function realSigningKey(stack: Stack): Promise<{ kid: string; key: KeyObject }> {
  const rows = await stack.db.auth.select().from(signingKeys);
  const row = rows.find((candidate) => candidate.retiresAt === null) ?? rows[0];
  if (!row) throw new Error('the auth app has no signing key');
  const { kty, crv, x, d } = row.privateJwk as { kty: string; crv: string; x: string; d: string };
  return { kid: row.kid, key: createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' }) };
}

/**
 * The token `build(pad)` makes for the pad of `n` characters that gives exactly `length`
 * characters (a header pad of 0..3 absorbs base64url's granularity).
 */
export function ofLength(build: (pad: string, headerPad: string) => string, length: number): string {
  const probe = build('', '').length;
  const estimate = Math.floor(((length - probe) * 3) / 4);
  for (let extra = 0; extra < 4; extra++) {
    for (let n = Math.max(0, estimate - 4); n <= estimate + 4; n++) {
      const token = build('x'.repeat(n), 'x'.repeat(extra));
      if (token.length === length) return token;
    }
  }
  throw new Error(`cannot build a token of ${length} characters`);
}
