import type { CompactJWSHeaderParameters } from 'jose';
import { AuthError } from '../errors.ts';

/** Longest `kid` accepted; real ones are short, and the value is used as a lookup key. */
export const MAX_KID_LENGTH = 255;

// Headers that name or carry a key, or demand extensions: a verifier that honoured them would let
// the token choose its own key. jose ignores jwk/jku/x5u/x5c when given a key getter, but
// refusing them outright makes the policy explicit and independent of jose's defaults.
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit'] as const;

/**
 * Throws AuthError TOKEN_INVALID unless the protected header is one we issue: no key-carrying
 * parameters, no `crit`, and a non-empty string `kid` (with several keys in a JWKS, a missing
 * `kid` would otherwise match any of them).
 */
export function assertHeaderPolicy(header: CompactJWSHeaderParameters): void {
  for (const name of FORBIDDEN_HEADERS) {
    if (Object.hasOwn(header, name)) {
      throw new AuthError('TOKEN_INVALID', { cause: new Error(`forbidden "${name}" header parameter`) });
    }
  }
  const { kid } = header;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw new AuthError('TOKEN_INVALID', { cause: new Error('missing or invalid "kid" header parameter') });
  }
}

// Only Ed25519 is ever issued. The allowlist is also what stops `none` and HS256-with-the-public-key.
const ALGORITHM = 'EdDSA';

/** jose's spelling rule for `typ`: case-insensitive, `application/` implied when there is no `/`. */
function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return typ.includes('/') ? lower : `application/${lower}`;
}
const ACCESS_TOKEN_TYP = normalizeTyp('at+jwt');

/**
 * Throws AuthError TOKEN_INVALID unless `header` (the decoded protected header) is a JSON object
 * with `alg` EdDSA, `typ` at+jwt (jose's spelling rule: `AT+JWT` and `application/at+jwt` too),
 * and passes {@link assertHeaderPolicy}. Runs before any key lookup, so a bad header never
 * triggers a JWKS fetch.
 */
export function assertProtectedHeader(
  header: Record<string, unknown>,
): asserts header is CompactJWSHeaderParameters & { kid: string } {
  if (header.alg !== ALGORITHM) {
    throw new AuthError('TOKEN_INVALID', { cause: new Error('"alg" missing or not allowed') });
  }
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== ACCESS_TOKEN_TYP) {
    throw new AuthError('TOKEN_INVALID', { cause: new Error('unexpected "typ" JWT header value') });
  }
  assertHeaderPolicy(header as CompactJWSHeaderParameters);
}
