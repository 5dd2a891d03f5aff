import type { KeyObject } from 'node:crypto';
import { verify } from 'node:crypto';

/**
 * The signature primitive of the verifier: true when `signature` is a valid Ed25519 signature of
 * `message` under `publicKey` (RFC 8032, as OpenSSL checks it: 64-byte signature, canonical S,
 * R a valid point encoding). Never throws: a malformed signature is just not valid.
 * Synchronous on purpose: a one-shot Ed25519 check is ~50 µs of CPU, less than a promise round
 * trip through the thread pool would add.
 */
export function verifyEd25519(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    // `null` algorithm: Ed25519 hashes internally (PureEdDSA), there is no digest to choose.
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}
