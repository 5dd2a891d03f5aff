import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { SIGNING_ALG } from './key-material.ts';
import type { SigningKeyStore } from './signing-keys.ts';

/** Mints access tokens (docs/architecture.md, "Tokens"). */
export interface AccessTokenIssuer {
  /**
   * Signs a token for session `sid` of user `sub` with the current key. `notBefore` is the user's
   * not-before in seconds (log out everywhere), when set: the token's `iat` is never before it.
   */
  issue(input: {
    sub: string;
    sid: string;
    notBefore?: number | undefined;
    /** The first-party client the session signed in with (RFC 9068 `client_id`; default `revoke-cli`). */
    clientId?: string;
  }): Promise<IssuedAccessToken>;
  /**
   * Signs a service token (client credentials): `sub` and `client_id` are the calling service's client
   * id, `aud` the one service it may call, and `sid` a fresh id of its own (so it can be revoked alone).
   * Never the user tokens' audience: a service token is not a user's token anywhere.
   */
  issueForService(input: { clientId: string; audience: string; ttlSec: number }): Promise<IssuedAccessToken>;
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
  /** Only the key that signs now is needed. */
  keys: Pick<SigningKeyStore, 'signingKey'>;
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
    async issue({ sub, sid, notBefore, clientId = 'revoke-cli' }) {
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
      return sign({ sub, sid, aud: audience, iat, ttlSec, clientId });
    },

    async issueForService({ clientId, audience: serviceAudience, ttlSec: serviceTtlSec }) {
      if (serviceAudience === audience)
        throw new RangeError('a service token never carries the user audience');
      if (!Number.isSafeInteger(serviceTtlSec) || serviceTtlSec <= 0 || serviceTtlSec > ttlSec) {
        throw new RangeError(
          `ttlSec must be a positive integer no larger than ${ttlSec}, got ${serviceTtlSec}`,
        );
      }
      const iat = Math.floor(now() / 1000);
      return sign({
        sub: clientId,
        sid: randomUUID(),
        aud: serviceAudience,
        iat,
        ttlSec: serviceTtlSec,
        clientId,
      });
    },
  };

  async function sign(claims: {
    sub: string;
    sid: string;
    aud: string;
    iat: number;
    ttlSec: number;
    clientId?: string;
  }): Promise<IssuedAccessToken> {
    const exp = claims.iat + claims.ttlSec;
    const jti = randomBytes(16).toString('base64url');
    const { kid, privateKey } = await keys.signingKey();
    const extra = claims.clientId === undefined ? {} : { client_id: claims.clientId };
    const token = await new SignJWT({ sid: claims.sid, ...extra })
      .setProtectedHeader({ alg: SIGNING_ALG, typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(claims.aud)
      .setSubject(claims.sub)
      .setJti(jti)
      .setIssuedAt(claims.iat)
      .setExpirationTime(exp)
      .sign(privateKey);
    const iat = claims.iat;
    return { token, jti, iat, exp };
  }
}
