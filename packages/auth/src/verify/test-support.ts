// Helpers for this folder's tests only; not exported from the package.
import type { CryptoKey } from 'jose';
import { base64url } from 'jose';
import { expect } from 'vitest';
import { AuthError, type AuthErrorCode } from '../errors.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { localKeys } from './key-source.ts';
import { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './verify-token.ts';

/** A fixed instant (ms) the tests' clocks start at. */
export const T0 = Date.UTC(2030, 0, 1);

/** A signer, a verifier trusting it, and the clock they share. */
export interface Harness {
  signer: TestSigner;
  verifier: TokenVerifier;
  clock: { ms: number };
  nowSec: () => number;
}

/** Builds a {@link Harness} whose clock starts at {@link T0}; `overrides` go to the verifier. */
export async function createHarness(overrides: Partial<TokenVerifierOptions> = {}): Promise<Harness> {
  const clock = { ms: T0 };
  const now = () => clock.ms;
  const signer = await createTestSigner({ now, kid: 'key-1' });
  const verifier = createTokenVerifier({
    issuer: signer.issuer,
    audience: signer.audience,
    keys: localKeys(signer.jwks),
    now,
    ...overrides,
  });
  return { signer, verifier, clock, nowSec: () => Math.floor(clock.ms / 1000) };
}

/** Signs `header.payload` (strings, used verbatim after base64url) with an Ed25519 key. */
export async function signRaw(privateKey: CryptoKey, header: string, payload: string): Promise<string> {
  const input = `${base64url.encode(header)}.${base64url.encode(payload)}`;
  const signature = await crypto.subtle.sign('Ed25519', privateKey, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

/** Replaces segment `index` (0 header, 1 payload, 2 signature) of a compact token. */
export function withSegment(token: string, index: number, segment: string): string {
  const parts = token.split('.');
  parts[index] = segment;
  return parts.join('.');
}

/** Decodes segment `index`, flips bit `bit` (mod its length), and re-encodes canonically. */
export function flipBit(token: string, index: number, bit: number): string {
  const bytes = base64url.decode(token.split('.')[index] ?? '');
  const at = bit % (bytes.length * 8);
  bytes[at >> 3]! ^= 1 << (at & 7);
  return withSegment(token, index, base64url.encode(bytes));
}

/**
 * Signs a valid token whose string is exactly `length` characters, by padding with an extra claim
 * (a base64url segment is never ≡ 1 mod 4 long, hence a second knob in the header).
 */
export async function signOfLength(
  signer: TestSigner,
  length: number,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const probe = await signer.sign({ ...claims, pad: '' }, { pad: '' });
  const estimate = Math.floor(((length - probe.length) * 3) / 4);
  for (let extra = 0; extra < 4; extra++) {
    for (let n = Math.max(0, estimate - 4); n <= estimate + 4; n++) {
      const token = await signer.sign({ ...claims, pad: 'x'.repeat(n) }, { pad: 'x'.repeat(extra) });
      if (token.length === length) return token;
    }
  }
  throw new Error(`cannot build a token of ${length} characters`);
}

/**
 * Asserts that `promise` rejects with an AuthError carrying `code` (and nothing else: not a
 * TypeError, not a jose error), and returns it.
 */
export async function expectAuthError(promise: Promise<unknown>, code: AuthErrorCode): Promise<AuthError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').toBeInstanceOf(AuthError);
  expect((caught as AuthError).code).toBe(code);
  return caught as AuthError;
}
