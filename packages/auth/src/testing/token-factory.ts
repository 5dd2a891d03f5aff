import type { CryptoKey, JSONWebKeySet } from 'jose';
import { base64url, exportJWK, generateKeyPair } from 'jose';
import type { AccessClaims } from '../claims.ts';

/**
 * A throwaway Ed25519 issuer for tests: its public JWKS and a way to mint access tokens.
 *
 * @example
 * ```ts
 * import { createTestSigner, type TestSigner } from '@revoke/auth/testing';
 *
 * const signer: TestSigner = await createTestSigner();
 * const expired = await signer.sign({ exp: Math.floor(Date.now() / 1000) - 60 });
 * const noTyp = await signer.sign({}, { typ: undefined }); // an override set to undefined removes it
 * ```
 */
export interface TestSigner {
  /** Public keys to give the verifier (`localKeys(signer.jwks)`, or serve it as a JWKS URL). */
  jwks: JSONWebKeySet;
  /** The `kid` of the key, in `jwks` and in every token header by default. */
  kid: string;
  /** The private key, for tests that sign by hand. */
  privateKey: CryptoKey;
  /**
   * Signs a token: valid access-token claims and header by default, each member overridable.
   * An override set to `undefined` removes that member, so tests can drop `exp` or `typ`.
   * Nothing is validated, so hostile headers and claims (`alg: 'none'`, `crit`, numeric `jti`)
   * can be signed with the real key.
   */
  sign(
    claims?: Partial<AccessClaims> & Record<string, unknown>,
    header?: Record<string, unknown>,
  ): Promise<string>;
  /** The `iss` of its tokens. */
  issuer: string;
  /** The `aud` of its tokens. */
  audience: string;
}

/**
 * Options of {@link createTestSigner}.
 *
 * @example
 * ```ts
 * import { createTestSigner, type TestSignerOptions } from '@revoke/auth/testing';
 *
 * const options: TestSignerOptions = { audience: 'activity', lifetimeSec: 60, now: () => Date.now() - 120_000 };
 * const signer = await createTestSigner(options);
 * const expired = await signer.sign(); // issued two minutes ago, expired one minute ago: TOKEN_EXPIRED
 * ```
 */
export interface TestSignerOptions {
  /** Default `http://auth.test`. */
  issuer?: string;
  /** Default `notes`. */
  audience?: string;
  /** Default a random id. */
  kid?: string;
  /** Clock in ms for `iat`/`exp` (default `Date.now`). */
  now?: () => number;
  /** `exp - iat` in seconds (default 900, the 15 minutes of docs/architecture.md, "Tokens"). */
  lifetimeSec?: number;
}

function randomId(bytes = 16): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

function encodeJson(value: Record<string, unknown>): string {
  // JSON.stringify drops undefined members, which is how overrides remove a claim or header.
  return base64url.encode(JSON.stringify(value));
}

/**
 * Creates a test issuer with a fresh Ed25519 key pair. Tokens are signed with WebCrypto
 * directly, not jose's SignJWT, so that tests can put anything in the header and payload.
 *
 * @example
 * ```ts
 * import { localKeys } from '@revoke/auth';
 * import { createTestSigner } from '@revoke/auth/testing';
 *
 * const signer = await createTestSigner({ issuer: 'http://auth.test', audience: 'notes' });
 * const auth = createRevocationGuard({ issuer: signer.issuer, audience: signer.audience, keys: localKeys(signer.jwks) });
 * const token = await signer.sign({ sub: 'user-1' });
 * ```
 */
export async function createTestSigner(options: TestSignerOptions = {}): Promise<TestSigner> {
  const issuer = options.issuer ?? 'http://auth.test';
  const audience = options.audience ?? 'notes';
  const kid = options.kid ?? randomId(8);
  const now = options.now ?? Date.now;
  const lifetimeSec = options.lifetimeSec ?? 900;
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  // `alg` must be EdDSA (or absent) for jose to match it to an EdDSA token; `Ed25519` would not.
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' }] };

  async function sign(
    claims: Partial<AccessClaims> & Record<string, unknown> = {},
    header: Record<string, unknown> = {},
  ): Promise<string> {
    const iat = Math.floor(now() / 1000);
    const payload = {
      iss: issuer,
      aud: audience,
      sub: `user-${randomId(6)}`,
      sid: randomId(),
      jti: randomId(),
      iat,
      exp: iat + lifetimeSec,
      ...claims,
    };
    const signingInput = `${encodeJson({ alg: 'EdDSA', typ: 'at+jwt', kid, ...header })}.${encodeJson(payload)}`;
    const signature = await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(signingInput));
    return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
  }

  return { jwks, kid, privateKey, sign, issuer, audience };
}
