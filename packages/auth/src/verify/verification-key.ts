import { createPublicKey, KeyObject, type webcrypto } from 'node:crypto';
import type { CryptoKey } from 'jose';

// A key source hands back the same key object for as long as the JWKS is unchanged (jose imports
// each JWK once and keeps it until a refetch replaces the set), so a WeakMap keyed by that object
// converts each key once, and a rotated-out key's entry goes away with it. A map keyed by `kid`
// would outlive a withdrawn key.
const converted = new WeakMap<object, KeyObject>();

function unusable(reason: string): TypeError {
  return new TypeError(`key unusable for EdDSA: ${reason}`);
}

function fromKeyObject(key: KeyObject): KeyObject {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519') {
    throw unusable(`a ${key.type} ${key.asymmetricKeyType ?? ''} KeyObject`);
  }
  return key;
}

function fromCryptoKey(key: CryptoKey): KeyObject {
  // What jose requires of a CryptoKey for `EdDSA` verification.
  if (key.type !== 'public' || key.algorithm.name !== 'Ed25519' || !key.usages.includes('verify')) {
    throw unusable(`a ${key.type} ${key.algorithm.name} CryptoKey`);
  }
  return KeyObject.from(key as webcrypto.CryptoKey);
}

function fromJwk(jwk: Record<string, unknown>): KeyObject {
  // What jose requires of a JWK for `EdDSA` verification: public OKP Ed25519, `use`, `alg`,
  // `key_ops` consistent with it when present.
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || jwk.d !== undefined)
    throw unusable('not a public Ed25519 JWK');
  if (jwk.use !== undefined && jwk.use !== 'sig') throw unusable('JWK "use" is not "sig"');
  if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') throw unusable('JWK "alg" is not "EdDSA"');
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify'))
    throw unusable('JWK "key_ops" lacks "verify"');
  return createPublicKey({ key: jwk as { kty: string }, format: 'jwk' });
}

function convert(key: object): KeyObject {
  if (key instanceof KeyObject) return fromKeyObject(key);
  // The tag, as jose tests it: a CryptoKey of another realm is still one.
  if ((key as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'CryptoKey') {
    return fromCryptoKey(key as CryptoKey);
  }
  if (key instanceof Uint8Array || Array.isArray(key)) throw unusable('a secret or a non-key');
  return fromJwk(key as Record<string, unknown>);
}

/**
 * The `node:crypto` public key for what a key source returned (a CryptoKey, a KeyObject or a
 * JWK), converted once per key object. Throws a TypeError for anything that is not a public
 * Ed25519 key, as jose would.
 */
export function toEd25519KeyObject(key: unknown): KeyObject {
  if (typeof key !== 'object' || key === null) throw unusable(`a ${typeof key}`);
  let keyObject = converted.get(key);
  if (keyObject === undefined) {
    keyObject = convert(key);
    converted.set(key, keyObject);
  }
  return keyObject;
}
