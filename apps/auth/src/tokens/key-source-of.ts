import { type KeySource, localKeys } from '@revoke/auth';
import type { SigningKeyStore } from './signing-keys.ts';

/**
 * The auth app verifies its own tokens against its key store's current JWKS, with no HTTP round trip.
 * The JWKS changes on rotation, so the local key set is rebuilt when its set of keys changes.
 */
export function keySourceOf(store: SigningKeyStore): KeySource {
  let cachedKids = '';
  let cached: KeySource | undefined;
  return (header, token) => {
    const jwks = store.jwks();
    // A kid is the key's thumbprint (RFC 7638): the same kids mean the same keys.
    const kids = jwks.keys.map((key) => key.kid).join(' ');
    if (!cached || kids !== cachedKids) {
      cached = localKeys(jwks);
      cachedKids = kids;
    }
    return cached(header, token);
  };
}
