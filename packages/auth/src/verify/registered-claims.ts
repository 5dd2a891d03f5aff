import { AuthError } from '../errors.ts';

/** What {@link assertRegisteredClaims} checks the claims against. */
export interface RegisteredClaimsPolicy {
  issuer: string;
  audience: string;
  nowSec: number;
  clockToleranceSec: number;
}

// Checked for presence (own members) before anything else, as jose's `requiredClaims` plus the
// `iss` and `aud` its issuer and audience options imply.
const REQUIRED_CLAIMS = ['exp', 'iat', 'jti', 'sub', 'sid', 'aud', 'iss'] as const;

function invalid(reason: string): AuthError {
  return new AuthError('TOKEN_INVALID', { cause: new Error(reason) });
}

/**
 * The claim checks jose's jwtVerify made before (same rules, same order, so a token breaking two
 * rules gets the same code as before): presence of the required claims, `iss` equal to the
 * issuer, `aud` the audience or an array holding it, `iat` a number, `nbf` a number not past now
 * + tolerance, `exp` a number; then expiry, the only TOKEN_EXPIRED (`exp <= now - tolerance`).
 * Integer and lifetime checks follow in claims-policy.ts.
 */
export function assertRegisteredClaims(
  claims: Record<string, unknown>,
  policy: RegisteredClaimsPolicy,
): void {
  for (const claim of REQUIRED_CLAIMS) {
    if (!Object.hasOwn(claims, claim)) throw invalid(`missing required "${claim}" claim`);
  }
  if (claims.iss !== policy.issuer) throw invalid('unexpected "iss" claim value');
  const { aud } = claims;
  const audienceMatches =
    typeof aud === 'string' ? aud === policy.audience : Array.isArray(aud) && aud.includes(policy.audience);
  if (!audienceMatches) throw invalid('unexpected "aud" claim value');
  if (typeof claims.iat !== 'number') throw invalid('"iat" claim must be a number');
  const { nbf, exp } = claims;
  if (nbf !== undefined) {
    if (typeof nbf !== 'number') throw invalid('"nbf" claim must be a number');
    if (nbf > policy.nowSec + policy.clockToleranceSec) throw invalid('"nbf" claim timestamp check failed');
  }
  if (typeof exp !== 'number') throw invalid('"exp" claim must be a number');
  if (exp <= policy.nowSec - policy.clockToleranceSec) {
    throw new AuthError('TOKEN_EXPIRED', { cause: new Error('"exp" claim timestamp check failed') });
  }
}
