import { errors, jwtVerify } from 'jose';
import type { AccessClaims } from '../claims.ts';
import { AuthError, isAuthError } from '../errors.ts';
import { toAccessClaims } from './claims-policy.ts';
import { gateCompactJws } from './compact-jws-gate.ts';
import { withHeaderPolicy } from './header-policy.ts';
import type { KeySource } from './key-source.ts';
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

/** Verifies access tokens (docs/architecture.md, "Tokens"). Revocation is checked elsewhere, on every use. */
export interface TokenVerifier {
  /** Full verification; resolves to the claims or rejects with AuthError TOKEN_MISSING / TOKEN_INVALID / TOKEN_EXPIRED only. Never anything else, whatever the input (null, undefined, numbers, objects, huge strings). */
  verify(token: unknown): Promise<AccessClaims>;
  /** Synchronous hot path: the claims of a token that was fully verified before and is still within exp (+ tolerance), else undefined. Keyed by the exact token string. No allocation on a hit. */
  peek(token: string): AccessClaims | undefined;
}

// Only Ed25519 is ever issued. The allowlist is also what stops `none` and HS256-with-the-public-key:
// without it jose dispatches on the token's own `alg`.
const ALGORITHMS = ['EdDSA'];
const REQUIRED_CLAIMS = ['exp', 'iat', 'jti', 'sub', 'sid'];
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
 * Maps whatever verification threw to one of the three codes `verify` promises. jose's
 * JWTExpired is the only expiry signal; everything else — jose errors, the plain TypeErrors jose
 * throws for some inputs, JWKS fetch failures — is TOKEN_INVALID, with `cause` kept for logs.
 */
function toAuthError(error: unknown): AuthError {
  if (isAuthError(error) && RETURNED_CODES.has(error.code)) return error;
  if (error instanceof errors.JWTExpired) return new AuthError('TOKEN_EXPIRED', { cause: error });
  return new AuthError('TOKEN_INVALID', { cause: error });
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
  const keys = withHeaderPolicy(options.keys);

  async function verifyString(token: string): Promise<AccessClaims> {
    const failure = gateCompactJws(token, maxTokenBytes);
    if (failure !== undefined) throw new AuthError('TOKEN_INVALID', { cause: new Error(failure) });
    // One clock reading for jose's checks and ours, so they agree even if the key fetch is slow.
    const nowMs = now();
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      algorithms: ALGORITHMS,
      typ: 'at+jwt',
      issuer,
      audience,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: clockToleranceSec,
      currentDate: new Date(nowMs),
    });
    const claims = toAccessClaims(payload, {
      nowSec: Math.floor(nowMs / 1000),
      clockToleranceSec,
      maxLifetimeSec,
      // The header policy already required a bounded string `kid`.
      kid: protectedHeader.kid,
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
