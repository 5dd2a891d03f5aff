import type { JWTPayload } from 'jose';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import { canonicalId } from '../revocation/entry.ts';

/** Longest `sub`, `sid` or `jti` accepted: they become cache and Redis keys. */
export const MAX_CLAIM_STRING_LENGTH = 255;

/** The time bounds {@link toAccessClaims} checks, all in seconds. */
export interface ClaimBounds {
  nowSec: number;
  clockToleranceSec: number;
  maxLifetimeSec: number;
  /** The verified header's `kid`, carried into the claims (a withdrawn key's tokens are revoked by it). */
  kid?: string | undefined;
}

function invalid(reason: string): AuthError {
  return new AuthError('TOKEN_INVALID', { cause: new Error(reason) });
}

function boundedString(payload: JWTPayload, claim: string): string {
  const value = payload[claim];
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLAIM_STRING_LENGTH) {
    throw invalid(`"${claim}" must be a non-empty string of at most ${MAX_CLAIM_STRING_LENGTH} characters`);
  }
  return value;
}

// jose only checks that time claims are numbers: 1.5, 1e300 and even Infinity (JSON `1e400`)
// pass, and an infinite `exp` never expires.
function integerTime(payload: JWTPayload, claim: string): number {
  const value = payload[claim];
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw invalid(`"${claim}" must be a non-negative integer`);
  }
  return value as number;
}

function audience(value: unknown): string | readonly string[] {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((member) => typeof member === 'string')) {
    return Object.freeze([...value]);
  }
  throw invalid('"aud" must be a string or an array of strings');
}

/**
 * Checks what jose leaves to us on a payload whose signature, `typ`, `iss`, `aud`, `nbf` and
 * `exp` jose already accepted: claim types, the lifetime bound and an `iat` not in the future.
 * Returns a frozen copy holding only the {@link AccessClaims} members, so nothing the client put
 * in the payload (extra claims, `__proto__` keys) travels further.
 */
export function toAccessClaims(payload: JWTPayload, bounds: ClaimBounds): AccessClaims {
  const iat = integerTime(payload, 'iat');
  const exp = integerTime(payload, 'exp');
  if (payload.nbf !== undefined) integerTime(payload, 'nbf');
  const lifetime = exp - iat;
  if (lifetime <= 0 || lifetime > bounds.maxLifetimeSec) {
    throw invalid(`"exp" - "iat" must be in (0, ${bounds.maxLifetimeSec}] seconds`);
  }
  if (iat > bounds.nowSec + bounds.clockToleranceSec) throw invalid('"iat" is in the future');
  if (typeof payload.iss !== 'string') throw invalid('"iss" must be a string');
  return Object.freeze({
    iss: payload.iss,
    aud: audience(payload.aud),
    // Canonical here, where the ids enter a service: revocations are stored under the same spelling.
    sub: canonicalId(boundedString(payload, 'sub')),
    sid: canonicalId(boundedString(payload, 'sid')),
    jti: canonicalId(boundedString(payload, 'jti')),
    iat,
    exp,
    ...(bounds.kid === undefined ? {} : { kid: bounds.kid }),
    ...(payload.client_id === undefined ? {} : { clientId: boundedString(payload, 'client_id') }),
  });
}
