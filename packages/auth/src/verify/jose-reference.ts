// The reference of verify-token.differential.test.ts: the verifier as it was before it stopped
// calling jose. Our policy is stricter than jwtVerify by design, so the reference runs the same
// extra checks around it, from the modules that hold them —
//   before jwtVerify: the compact-JWS gate (size, canonical base64url, 64-byte signature);
//   in jwtVerify's key getter: the header policy (no jwk/jku/x5u/x5c/crit, a bounded string kid);
//   after jwtVerify: toAccessClaims (integer times, bounded lifetime, iat not ahead, id strings).
// jwtVerify itself carries the rest: alg allowlist, typ, iss, aud, required claims, nbf, exp with
// tolerance, and the signature.
import { errors, jwtVerify } from 'jose';
import type { AccessClaims } from '../claims.ts';
import { AuthError, isAuthError } from '../errors.ts';
import { toAccessClaims } from './claims-policy.ts';
import { gateCompactJws } from './compact-jws-gate.ts';
import { assertHeaderPolicy } from './header-policy.ts';
import type { KeySource } from './key-source.ts';

/** The policy both verifiers are given. */
export interface ReferencePolicy {
  issuer: string;
  audience: string;
  clockToleranceSec: number;
  maxLifetimeSec: number;
  maxTokenBytes: number;
}

/** A verdict: the claims, or the error code. */
export type Verdict = { claims: AccessClaims } | { code: string };

/** The verifier before this change: gate, jwtVerify with the header policy in its key getter, toAccessClaims. */
export function joseReferenceVerifier(keys: KeySource, policy: ReferencePolicy, nowMs: () => number) {
  const withPolicy: KeySource = (header, token) => {
    assertHeaderPolicy(header);
    return keys(header, token);
  };
  return async (token: string): Promise<AccessClaims> => {
    const failure = gateCompactJws(token, policy.maxTokenBytes);
    if (failure !== undefined) throw new AuthError('TOKEN_INVALID');
    const ms = nowMs();
    const { payload, protectedHeader } = await jwtVerify(token, withPolicy, {
      algorithms: ['EdDSA'],
      typ: 'at+jwt',
      issuer: policy.issuer,
      audience: policy.audience,
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'sid'],
      clockTolerance: policy.clockToleranceSec,
      currentDate: new Date(ms),
    });
    return toAccessClaims(payload, {
      nowSec: Math.floor(ms / 1000),
      clockToleranceSec: policy.clockToleranceSec,
      maxLifetimeSec: policy.maxLifetimeSec,
      kid: protectedHeader.kid,
    });
  };
}

/** What `run` settles to, as a {@link Verdict}; jose's JWTExpired is the reference's only expiry signal. */
export async function verdictOf(run: () => Promise<AccessClaims>): Promise<Verdict> {
  try {
    return { claims: await run() };
  } catch (error) {
    if (isAuthError(error)) return { code: error.code };
    if (error instanceof errors.JWTExpired) return { code: 'TOKEN_EXPIRED' };
    return { code: 'TOKEN_INVALID' };
  }
}
