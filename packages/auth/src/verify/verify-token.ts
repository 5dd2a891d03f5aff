import { errors, type JWTPayload } from 'jose';
import type { AccessClaims } from '../claims.ts';
import { AuthError, isAuthError } from '../errors.ts';
import { toAccessClaims } from './claims-policy.ts';
import { ED25519_SIGNATURE_BYTES, gateCompactJws } from './compact-jws-gate.ts';
import { verifyEd25519 } from './ed25519.ts';
import { assertProtectedHeader } from './header-policy.ts';
import { decodeJsonSegment, isJsonObject } from './json-segment.ts';
import type { KeySource } from './key-source.ts';
import { assertRegisteredClaims } from './registered-claims.ts';
import { toEd25519KeyObject } from './verification-key.ts';
import { VerifiedTokenCache } from './verified-cache.ts';

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** Required `iss`: the auth app's URL. */
  issuer: string;
  /** Required member of `aud`: this service's name. */
  audience: string;
  /** Public keys, from `localKeys` or `remoteKeys` (key-source.ts). */
  keys: KeySource;
  /** Allowed clock skew, for `exp`, `nbf`, `iat` (default 5 s). */
  clockToleranceSec?: number;
  /** Upper bound on `exp - iat` (default 3600 s). */
  maxLifetimeSec?: number;
  /** Longest token accepted, before any parsing (default 8192). */
  maxTokenBytes?: number;
  /** Entries of the verified-token cache behind {@link TokenVerifier.peek} (default 10 000; 0 disables). */
  verifiedCacheSize?: number;
  /** Clock in ms (default `Date.now`); tests control time with it. */
  now?: () => number;
}

/**
 * Verifies access tokens (docs/architecture.md, "Tokens"). Revocation is checked elsewhere, on every use.
 *
 * @example
 * ```ts
 * import type { TokenVerifier } from '@revoke/auth';
 *
 * const verifier: TokenVerifier = auth.verifier; // createRevocationGuard's
 * const claims = verifier.peek(token) ?? (await verifier.verify(token)); // no revocation check here
 * ```
 */
export interface TokenVerifier {
  /** Full verification; resolves to the claims or rejects with AuthError TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED only. Never anything else, whatever the input (null, undefined, numbers, objects, huge strings). */
  verify(token: unknown): Promise<AccessClaims>;
  /** Synchronous hot path: the claims of a token that was fully verified before and is still within exp (+ tolerance), else undefined. Keyed by the exact token string. No allocation on a hit. */
  peek(token: string): AccessClaims | undefined;
}

const RETURNED_CODES = new Set(['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED']);

function positiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`,
    );
  }
  return value;
}

/**
 * Maps whatever verification threw to one of the three codes `verify` promises. Our own checks
 * throw AuthErrors (TOKEN_EXPIRED only from the `exp` check); everything else — a JSON or UTF-8
 * error, an unusable key, jose's JWKS errors and fetch failures — is TOKEN_INVALID, with `cause`
 * kept for logs.
 */
function toAuthError(error: unknown): AuthError {
  if (isAuthError(error) && RETURNED_CODES.has(error.code)) return error;
  return new AuthError('TOKEN_INVALID', { cause: error });
}

// The range of a Date: jose read the clock through one, and refused a reading outside it.
const MAX_CLOCK_MS = 8.64e15;

/** Seconds since the epoch of a clock reading, as jose computed them (`new Date(ms)`, then floor). */
function epochSeconds(nowMs: number): number {
  if (!(Math.abs(nowMs) <= MAX_CLOCK_MS)) throw new TypeError(`clock reading ${nowMs} is not a time`);
  return Math.floor(Math.trunc(nowMs) / 1000);
}

/**
 * Builds a verifier. Options are checked here, so a misconfiguration fails at startup (a
 * RangeError), never per request.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { issuer, audience, now = Date.now } = options;
  if (typeof issuer !== 'string' || issuer.length === 0)
    throw new TypeError('issuer must be a non-empty string');
  if (typeof audience !== 'string' || audience.length === 0) {
    throw new TypeError('audience must be a non-empty string');
  }
  const clockToleranceSec = positiveInteger('clockToleranceSec', options.clockToleranceSec ?? 5, true);
  const maxLifetimeSec = positiveInteger('maxLifetimeSec', options.maxLifetimeSec ?? 3600);
  const maxTokenBytes = positiveInteger('maxTokenBytes', options.maxTokenBytes ?? 8192);
  const cache = new VerifiedTokenCache(
    positiveInteger('verifiedCacheSize', options.verifiedCacheSize ?? 10_000, true),
  );
  const { keys } = options;
  // Decoded segments and the signing input are written here rather than into fresh buffers. One
  // buffer per verifier is enough: each use is synchronous, with no await between write and read.
  const scratch = Buffer.allocUnsafe(maxTokenBytes);
  const signature = Buffer.allocUnsafe(ED25519_SIGNATURE_BYTES);

  async function verifyString(token: string): Promise<AccessClaims> {
    const failure = gateCompactJws(token, maxTokenBytes);
    if (failure !== undefined) throw new AuthError('TOKEN_INVALID', { cause: new Error(failure) });
    // One clock reading for every time check, even if the key fetch is slow.
    const nowSec = epochSeconds(now());
    const firstDot = token.indexOf('.');
    const secondDot = token.indexOf('.', firstDot + 1);

    const header = decodeJsonSegment(scratch, token, 0, firstDot);
    if (!isJsonObject(header))
      throw new AuthError('TOKEN_INVALID', { cause: new Error('header not an object') });
    assertProtectedHeader(header);
    // jose (JWKS fetching, rotation, kid matching) picks the key; node:crypto checks the signature.
    const key = toEd25519KeyObject(
      await keys(header, {
        protected: token.slice(0, firstDot),
        payload: token.slice(firstDot + 1, secondDot),
        signature: token.slice(secondDot + 1),
      }),
    );

    // The gate made every character ASCII, so latin1 writes the signing input byte for byte.
    const inputLength = scratch.write(token.slice(0, secondDot), 'latin1');
    signature.write(token.slice(secondDot + 1), 'base64url');
    if (!verifyEd25519(key, scratch.subarray(0, inputLength), signature)) {
      // jose's error as cause: logs keep telling a bad signature from other refusals the same way.
      throw new AuthError('TOKEN_INVALID', { cause: new errors.JWSSignatureVerificationFailed() });
    }

    // Only a signed payload is parsed.
    const payload = decodeJsonSegment(scratch, token, firstDot + 1, secondDot);
    if (!isJsonObject(payload)) {
      throw new AuthError('TOKEN_INVALID', {
        cause: new Error('JWT Claims Set must be a top-level JSON object'),
      });
    }
    assertRegisteredClaims(payload, { issuer, audience, nowSec, clockToleranceSec });
    const claims = toAccessClaims(payload as JWTPayload, {
      nowSec,
      clockToleranceSec,
      maxLifetimeSec,
      kid: header.kid,
    });
    cache.set(token, claims);
    return claims;
  }

  return {
    async verify(token) {
      if (token === undefined || token === null || token === '') throw new AuthError('TOKEN_MISSING');
      if (typeof token !== 'string') {
        throw new AuthError('TOKEN_INVALID', { cause: new TypeError(`token is a ${typeof token}`) });
      }
      try {
        return await verifyString(token);
      } catch (error) {
        throw toAuthError(error);
      }
    },
    peek(token) {
      return cache.get(token, Math.floor(now() / 1000), clockToleranceSec);
    },
  };
}
