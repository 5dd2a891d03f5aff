import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { SIGNING_ALG } from './key-material.ts';
import type { SigningKeyStore } from './signing-keys.ts';

/** Mints access tokens (DESIGN §3). */
export interface AccessTokenIssuer {
  /**
   * Signs a token for session `sid` of user `sub` with the current key. `notBefore` is the user's
   * not-before in seconds (log out everywhere), when set: the token's `iat` is never before it.
   */
  issue(input: { sub: string; sid: string; notBefore?: number | undefined }): Promise<IssuedAccessToken>;
}

/** A signed access token and the claims callers need without decoding it. */
export interface IssuedAccessToken {
  token: string;
  jti: string;
  /** Seconds. */
  iat: number;
  /** Seconds. */
  exp: number;
}

/** Options of {@link createAccessTokenIssuer}. */
export interface AccessTokenIssuerOptions {
  keys: SigningKeyStore;
  /** `iss`: the auth app's URL. */
  issuer: string;
  /** `aud`: the fleet of services that accept the tokens. */
  audience: string;
  /** `exp - iat`, in seconds. */
  ttlSec: number;
  /**
   * The verifiers' clock tolerance (default 5 s): a not-before further than this in the future
   * would make a token every verifier refuses (`iat` in the future), so it is an error here.
   */
  clockToleranceSec?: number;
  /** Clock in ms (default `Date.now`); tests control time with it. */
  now?: () => number;
}

/** Builds an {@link AccessTokenIssuer}; options are checked here, so misconfiguration fails at startup. */
export function createAccessTokenIssuer(options: AccessTokenIssuerOptions): AccessTokenIssuer {
  const { keys, issuer, audience, ttlSec, now = Date.now } = options;
  const clockToleranceSec = options.clockToleranceSec ?? 5;
  if (!issuer) throw new TypeError('issuer must be a non-empty string');
  if (!audience) throw new TypeError('audience must be a non-empty string');
  if (!Number.isSafeInteger(ttlSec) || ttlSec <= 0) {
    throw new RangeError(`ttlSec must be a positive integer, got ${ttlSec}`);
  }

  return {
    async issue({ sub, sid, notBefore }) {
      const nowSec = Math.floor(now() / 1000);
      if (notBefore !== undefined && !(Number.isSafeInteger(notBefore) && notBefore >= 0)) {
        throw new RangeError(`notBefore must be a non-negative integer (seconds), got ${notBefore}`);
      }
      if (notBefore !== undefined && notBefore > nowSec + clockToleranceSec) {
        throw new RangeError(`notBefore ${notBefore} is more than ${clockToleranceSec} s in the future`);
      }
      // Tokens with iat < notBefore are revoked, and notBefore is rounded up to the next second:
      // a login in the same second as "log out everywhere" must not be born revoked. Verifiers
      // accept an iat up to their clock tolerance ahead, which covers the at most one second here.
      const iat = Math.max(nowSec, notBefore ?? 0);
      const exp = iat + ttlSec;
      const jti = randomBytes(16).toString('base64url');
      const { kid, privateKey } = keys.current();
      const token = await new SignJWT({ sid })
        .setProtectedHeader({ alg: SIGNING_ALG, typ: 'at+jwt', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setJti(jti)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(privateKey);
      return { token, jti, iat, exp };
    },
  };
}
