import fc from 'fast-check';
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import { createHarness, flipBit, type Harness } from './test-support.ts';

// Characters a mutation may introduce: the base64url alphabet plus everything the gate must
// refuse (separators, padding, the standard-base64 pair, whitespace, non-ASCII).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CHARS = [...'ABQRgw_-09azZ.=+/ \n\t\u00e9\u2028\0'];

/** One edit of a token string. */
type Mutation = (token: string) => string;

const index = fc.nat({ max: 1_000 });
const char = fc.constantFrom(...CHARS);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(index, char).map(
    ([i, c]): Mutation =>
      (t) =>
        t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1),
  ),
  fc.tuple(index, char).map(
    ([i, c]): Mutation =>
      (t) =>
        t.slice(0, i % (t.length + 1)) + c + t.slice(i % (t.length + 1)),
  ),
  index.map(
    (i): Mutation =>
      (t) =>
        t.slice(0, i % t.length) + t.slice((i % t.length) + 1),
  ),
  index.map(
    (i): Mutation =>
      (t) =>
        t.slice(0, i % t.length),
  ),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat()).map(
    ([segment, bit]): Mutation =>
      (t) =>
        flipBit(t, segment, bit),
  ),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map(
    ([a, b]): Mutation =>
      (t) => {
        const parts = t.split('.');
        [parts[a], parts[b]] = [parts[b] ?? '', parts[a] ?? ''];
        return parts.join('.');
      },
  ),
  // Re-spell the last character of a segment with other spare bits: atob decodes it to the same
  // bytes, so only the gate's canonical check tells the two spellings apart.
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 15 })).map(
    ([segment, bits]): Mutation =>
      (t) => {
        const parts = t.split('.');
        const part = parts[segment] ?? '';
        const last = ALPHABET.indexOf(part.at(-1) ?? 'A');
        parts[segment] = part.slice(0, -1) + ALPHABET[(last ^ bits) & 63];
        return parts.join('.');
      },
  ),
  // Re-encode a decoded segment with one extra byte: still canonical, but other bytes.
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 })).map(
    ([segment, byte]): Mutation =>
      (t) => {
        const parts = t.split('.');
        const bytes = base64url.decode(parts[segment] ?? '');
        parts[segment] = base64url.encode(Uint8Array.of(...bytes, byte));
        return parts.join('.');
      },
  ),
);

/** Applies `edit`; decoding edits cannot apply to a segment an earlier edit broke, so skip those. */
function applyEdit(token: string, edit: Mutation): string {
  try {
    return edit(token);
  } catch {
    return token;
  }
}

describe('verify: mutations of a valid token', () => {
  let h: Harness;
  let token: string;
  let original: AccessClaims;
  beforeAll(async () => {
    h = await createHarness();
    token = await h.signer.sign();
    original = await h.verifier.verify(token);
  });

  it('either rejects with an AuthError or yields the original claims (then the string is unchanged)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (edits) => {
        const mutated = edits.reduce(applyEdit, token);
        try {
          const claims = await h.verifier.verify(mutated);
          expect(claims).toEqual(original);
          // The gate makes the encoding canonical, so no other spelling of the token verifies.
          expect(mutated).toBe(token);
        } catch (error) {
          if (!(error instanceof AuthError)) throw error;
          expect(['TOKEN_MISSING', 'TOKEN_INVALID']).toContain(error.code);
        }
      }),
      { numRuns: 300 },
    );
  });
});
