import { generateKeyPairSync, KeyObject, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestSigner } from '../testing/token-factory.ts';
import { localKeys } from './key-source.ts';
import { toEd25519KeyObject } from './verification-key.ts';

describe('toEd25519KeyObject', () => {
  it('converts what localKeys returns once: the JWKS set hands back the same key, we the same KeyObject', async () => {
    const signer = await createTestSigner({ kid: 'k' });
    const keys = localKeys(signer.jwks);
    const header = { alg: 'EdDSA', kid: 'k' };
    const first = await keys(header, { payload: '', signature: '' });
    const second = await keys(header, { payload: '', signature: '' });
    expect(second).toBe(first);
    expect(toEd25519KeyObject(second)).toBe(toEd25519KeyObject(first));
    expect(toEd25519KeyObject(first)).toBeInstanceOf(KeyObject);
  });

  it('takes a public Ed25519 key as CryptoKey, KeyObject or JWK', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(toEd25519KeyObject(publicKey)).toBe(publicKey);
    const jwk = publicKey.export({ format: 'jwk' });
    expect(toEd25519KeyObject({ ...jwk, alg: 'EdDSA', use: 'sig' }).equals(publicKey)).toBe(true);
    const cryptoKey = await webcrypto.subtle.importKey('jwk', jwk, 'Ed25519', true, ['verify']);
    expect(toEd25519KeyObject(cryptoKey).equals(publicKey)).toBe(true);
  });

  it('refuses private, secret, non-Ed25519 and mislabelled keys, as jose does', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    const refused: unknown[] = [
      privateKey,
      generateKeyPairSync('ed448').publicKey,
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
      generateKeyPairSync('x25519').publicKey,
      await webcrypto.subtle.importKey('jwk', jwk, 'Ed25519', true, []), // no "verify" usage
      new Uint8Array(32),
      { ...jwk, use: 'enc' },
      { ...jwk, alg: 'Ed25519' },
      { ...jwk, key_ops: ['sign'] },
      privateKey.export({ format: 'jwk' }),
      null,
      'key',
    ];
    for (const key of refused) expect(() => toEd25519KeyObject(key)).toThrow(TypeError);
  });
});
