// Differential test: the verifier (node:crypto signatures, its own header and claim checks)
// against a reference built from jose's jwtVerify with the same policy (jose-reference.ts, which
// says where our policy is stricter than jose and how the reference applies the same checks), on
// random mutations of valid tokens. The verdicts (the claims, or the error code) must be equal.
import { webcrypto } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { joseReferenceVerifier, verdictOf } from './jose-reference.ts';
import { localKeys } from './key-source.ts';
import { T0 } from './test-support.ts';
import { createTokenVerifier, type TokenVerifier } from './verify-token.ts';

const POLICY = {
  issuer: 'http://auth.test',
  audience: 'notes',
  clockToleranceSec: 5,
  maxLifetimeSec: 3600,
  maxTokenBytes: 8192,
};
const { issuer: ISSUER, audience: AUDIENCE } = POLICY;
const NOW_SEC = Math.floor(T0 / 1000);

const encode = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes) : bytes).toString('base64url');

/** Signs raw header and payload bytes (not necessarily JSON, not necessarily UTF-8). */
async function signBytes(signer: TestSigner, header: Uint8Array | string, payload: Uint8Array | string) {
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = await webcrypto.subtle.sign('Ed25519', signer.privateKey, Buffer.from(input, 'latin1'));
  return `${input}.${encode(new Uint8Array(signature))}`;
}

// ---- generators ------------------------------------------------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ABSENT = Symbol('absent');
/** A value or {@link ABSENT}, which removes the member. */
const member = (...values: unknown[]) => fc.constantFrom<unknown>(...values, ABSENT);

/** The valid value five times in six, else one of `others`: a run needs every member valid to be accepted. */
const usually = (valid: unknown, others: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: fc.constant(valid), weight: 5 }, { arbitrary: others, weight: 1 });

const headerArb = fc.record({
  alg: usually('EdDSA', member('EdDSA', 'none', 'HS256', 'Ed25519', 'ES256', 'eddsa', 1)),
  typ: usually(
    'at+jwt',
    member('at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT', 'JWT', 'x/at+jwt', 'at+jwt ', 1),
  ),
  kid: usually('key-1', member('key-1', 'key-2', '', 'k'.repeat(255), 'k'.repeat(256), 7)),
  extra: usually(
    {},
    fc.constantFrom<Record<string, unknown>>(
      { crit: ['b64'], b64: true },
      { b64: false },
      { jku: 'https://evil.test' },
      { x5c: [] },
      { cty: 'JWT' },
    ),
  ),
});

const timeArb = fc.oneof(
  fc.integer({ min: -4000, max: 4000 }).map((offset) => NOW_SEC + offset),
  fc.constantFrom<unknown>(NOW_SEC + 0.5, -1, 0, '1893456000', null, 2 ** 53, 1e300),
);
const idArb = fc.oneof(
  fc.constantFrom<unknown>('u', 's-1', 'j'),
  fc.constantFrom<unknown>(
    '',
    'x'.repeat(255),
    'x'.repeat(256),
    5,
    null,
    ['a'],
    '6F9619FF-8B86-D011-B42D-00C04FC964FF',
  ),
);
const claimsArb = fc.record({
  iss: usually(ISSUER, member(ISSUER, 'http://evil.test', `${ISSUER}/`, 1)),
  aud: usually(
    AUDIENCE,
    member(AUDIENCE, [AUDIENCE], ['x', AUDIENCE], ['x'], 'x', [1, AUDIENCE], [], { 0: AUDIENCE }),
  ),
  sub: usually('u', fc.oneof(member('u'), idArb)),
  sid: usually('s', fc.oneof(member('s'), idArb)),
  jti: usually('j', fc.oneof(member('j'), idArb)),
  iat: usually(NOW_SEC, fc.oneof(member(NOW_SEC), timeArb)),
  exp: usually(NOW_SEC + 900, fc.oneof(member(NOW_SEC + 900), timeArb)),
  nbf: usually(ABSENT, member(NOW_SEC, NOW_SEC + 4, NOW_SEC + 6, NOW_SEC + 60, 'soon', 0.5)),
  client_id: usually(ABSENT, member('web', '', 1)),
});

/**
 * `record` with {@link ABSENT} members set to undefined (the test signer then drops them, default
 * included; JSON.stringify drops them too), and `extra` merged in.
 */
function withoutAbsent(record: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name !== 'extra') out[name] = value === ABSENT ? undefined : value;
  }
  return { ...out, ...extra };
}

/** Texts of a payload that JSON.stringify would never write. */
const rawPayloadArb = fc.constantFrom<(claims: string) => Uint8Array | string>(
  (claims) => claims,
  (claims) => `\ufeff${claims}`, // a byte order mark: jose's TextDecoder drops it
  (claims) => ` ${claims}\n`,
  (claims) => claims.replace('"exp":', '"exp":1e400,"exp":'), // duplicate key: the last wins
  (claims) => claims.replace(/"exp":\d+/, '"exp":1e400'),
  (claims) => claims.replace('"sub":"u"', '"sub":"u","sub":"v"'),
  (claims) => claims.replace('{', '{"__proto__":{"exp":1},'),
  (claims) => Buffer.concat([Buffer.from(claims.slice(0, -1)), Buffer.from(',"x":"\xff"}', 'latin1')]), // invalid UTF-8
  (claims) =>
    Buffer.concat([Buffer.from(claims.slice(0, -1)), Buffer.from(',"x":"\xed\xa0\x80"}', 'latin1')]), // a UTF-8 surrogate
  () => '[1]',
  () => 'null',
  () => '{"exp":',
);

/** One edit of a token string (as the property test's, plus segment splicing). */
const stringEditArb = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...'AQgw_-09.=+/ é')).map(
    ([at, char]) =>
      (token: string) =>
        token.slice(0, at % token.length) + char + token.slice((at % token.length) + 1),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...'AQgw_-.')).map(
    ([at, char]) =>
      (token: string) =>
        token.slice(0, at % (token.length + 1)) + char + token.slice(at % (token.length + 1)),
  ),
  fc
    .nat()
    .map((at) => (token: string) => token.slice(0, at % token.length) + token.slice((at % token.length) + 1)),
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 63 }))
    .map(([segment, bits]) => (token: string) => {
      const parts = token.split('.');
      const part = parts[segment] ?? '';
      parts[segment] = part.slice(0, -1) + ALPHABET[(ALPHABET.indexOf(part.at(-1) ?? 'A') ^ bits) & 63];
      return parts.join('.');
    }),
);

// ---- the properties --------------------------------------------------------------------------

describe('verify ≡ jose reference (differential)', () => {
  let signer: TestSigner;
  let foreign: TestSigner;
  let clock: { ms: number };
  let ours: TokenVerifier;
  let reference: (token: string) => Promise<AccessClaims>;

  beforeAll(async () => {
    clock = { ms: T0 };
    signer = await createTestSigner({ kid: 'key-1', now: () => clock.ms });
    foreign = await createTestSigner({ kid: 'key-1', now: () => clock.ms });
    const keys = localKeys(signer.jwks);
    ours = createTokenVerifier({ ...POLICY, keys, now: () => clock.ms });
    reference = joseReferenceVerifier(keys, POLICY, () => clock.ms);
  });

  async function expectSameVerdict(token: string, clockMs: number) {
    clock.ms = clockMs;
    const expected = await verdictOf(() => reference(token));
    const actual = await verdictOf(() => ours.verify(token));
    expect(actual, token).toEqual(expected);
    return actual;
  }

  // Clocks around the default token's iat and exp, so tolerance boundaries are hit.
  const clockArb = fc.oneof(
    fc.constant(T0),
    fc.integer({ min: -10_000, max: 10_000 }).map((ms) => T0 + ms),
    fc.integer({ min: -10_000, max: 10_000 }).map((ms) => T0 + 900_000 + ms),
    fc.integer({ min: -7000, max: 7000 }).map((s) => T0 + s * 1000),
  );

  it('re-signed headers and claims: same verdict', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        headerArb,
        claimsArb,
        fc.boolean(),
        clockArb,
        async (header, claims, alien, clockMs) => {
          const token = await (alien ? foreign : signer).sign(
            withoutAbsent(claims) as never,
            withoutAbsent(header, header.extra as Record<string, unknown>),
          );
          const verdict = await expectSameVerdict(token, clockMs);
          seen.add('claims' in verdict ? 'accepted' : verdict.code);
        },
      ),
      { numRuns: 600 },
    );
    // The generators reach every outcome, or the comparison proves little.
    expect([...seen].sort()).toEqual(['TOKEN_EXPIRED', 'TOKEN_INVALID', 'accepted']);
  });

  it('raw payload texts (BOM, duplicate keys, bad UTF-8, non-objects): same verdict', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, rawPayloadArb, clockArb, async (claims, raw, clockMs) => {
        const header = JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'key-1' });
        const payload = raw(JSON.stringify(withoutAbsent(claims)));
        await expectSameVerdict(await signBytes(signer, header, payload), clockMs);
      }),
      { numRuns: 400 },
    );
  });

  it('edits of the token string, and segments spliced from other tokens: same verdict', async () => {
    const tokens = [
      await signer.sign({ iat: NOW_SEC, exp: NOW_SEC + 900 }),
      await signer.sign({ iat: NOW_SEC, exp: NOW_SEC + 900, aud: [AUDIENCE] }),
      await foreign.sign({ iat: NOW_SEC, exp: NOW_SEC + 900 }),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...tokens),
        fc.array(stringEditArb, { maxLength: 3 }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(...tokens)), { nil: undefined }),
        clockArb,
        async (token, edits, splice, clockMs) => {
          let mutated = token;
          if (splice) {
            const [segment, donor] = splice;
            const parts = mutated.split('.');
            parts[segment] = donor.split('.')[segment] ?? '';
            mutated = parts.join('.');
          }
          for (const edit of edits) mutated = edit(mutated);
          await expectSameVerdict(mutated, clockMs);
        },
      ),
      { numRuns: 600 },
    );
  });
});
