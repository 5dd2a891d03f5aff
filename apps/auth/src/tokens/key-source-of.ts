import { type KeySource, localKeys } from '@revoke/auth';
import type { SigningKeyStore } from './signing-keys.ts';

/**
 * The auth app verifies its own tokens against its key store's current JWKS, with no HTTP round trip.
 * The JWKS changes on rotation, so the local key set is rebuilt when its content changes.
 */
export function keySourceOf(store: SigningKeyStore): KeySource {
  let cachedJson = '';
  let cached: KeySource | undefined;
  return (header, token) => {
    const jwks = store.jwks();
    const json = JSON.stringify(jwks);
    if (!cached || json !== cachedJson) {
      cached = localKeys(jwks);
      cachedJson = json;
    }
    return cached(header, token);
  };
}
