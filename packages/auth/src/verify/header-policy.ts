import type { CompactJWSHeaderParameters } from 'jose';
import { AuthError } from '../errors.ts';
import type { KeySource } from './key-source.ts';

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

/**
 * Wraps a key source so the header policy runs first. jose calls the getter only after the
 * header parsed and its `alg` passed the allowlist, and before any signature work, so a bad
 * header never triggers a key lookup (or a JWKS fetch).
 */
export function withHeaderPolicy(keys: KeySource): KeySource {
  return (header, token) => {
    assertHeaderPolicy(header);
    return keys(header, token);
  };
}
