import type { StoredJwk } from '@revoke/db/auth';
import type { CryptoKey, JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';

/**
 * The JWS algorithm of every access token. jose's local JWKS matching compares a JWK's `alg` with
 * the token's, so published keys say `EdDSA`, not the fully specified `Ed25519` (RFC 9864).
 */
export const SIGNING_ALG = 'EdDSA';

/** A freshly generated Ed25519 key pair, as it is persisted in `auth.signing_keys`. */
export interface GeneratedSigningKey {
  /** RFC 7638 thumbprint of the public key: stable, unique, and derived from the key itself. */
  kid: string;
  privateJwk: StoredJwk;
  publicJwk: StoredJwk;
}

/** Generates an Ed25519 key pair and exports both halves as JWKs tagged with `kid`, `alg`, `use`. */
export async function generateSigningKey(): Promise<GeneratedSigningKey> {
  // Extractable only so the private half can be persisted; signing uses a non-extractable re-import.
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk = publicMembers(await exportJWK(publicKey));
  const kid = await calculateJwkThumbprint(publicJwk);
  const tags = { kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    privateJwk: { ...(privateJwk as StoredJwk), ...tags },
    publicJwk: { ...publicJwk, ...tags },
  };
}

/**
 * Only the public members of an Ed25519 JWK. Built member by member rather than by deleting `d`,
 * so no private (or unexpected) member can ever reach the published JWKS.
 */
export function publicMembers(jwk: JWK | StoredJwk): { kty: 'OKP'; crv: 'Ed25519'; x: string } {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || jwk.x.length === 0) {
    throw new TypeError('signing key is not an Ed25519 OKP JWK');
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** Imports a persisted private JWK as a non-extractable signing key. */
export async function importSigningKey(privateJwk: StoredJwk): Promise<CryptoKey> {
  const { x } = publicMembers(privateJwk);
  if (typeof privateJwk.d !== 'string') throw new TypeError('signing key has no private part');
  return importJWK({ kty: 'OKP', crv: 'Ed25519', x, d: privateJwk.d }, SIGNING_ALG, { extractable: false });
}
