import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, LEAK, show } from './harness/expect-refused.ts';
import { type Answer, bearer, type HeaderInput, send } from './harness/http.ts';
import { signToken } from './harness/jws.ts';
import { snapshot } from './harness/state.ts';
import { closeTokenStack, headerOf, startTokenStack, type TokenContext } from './harness/token-context.ts';
import { applyMutation, mutationsArb } from './harness/token-mutations.ts';

let c: TokenContext;
beforeAll(async () => {
  c = await startTokenStack();
});
afterAll(() => closeTokenStack(c));

/**
 * A read of each service, and the longest token lifetime it accepts (its `maxLifetimeSec`): the auth
 * app's access-token lifetime everywhere, since the services take theirs from it.
 */
const READS = [
  { service: 'auth', path: 'auth.me', maxLifetimeSec: 900 },
  { service: 'notes', path: 'notes.list', maxLifetimeSec: 900 },
  { service: 'activity', path: 'activity.list', maxLifetimeSec: 900 },
] as const;
type Read = (typeof READS)[number];
const readArb = fc.constantFrom(...READS);

/** Slowest answer seen: a hostile token must never make a service slow. */
let slowestMs = 0;
async function timed(read: Read, headers: HeaderInput): Promise<Answer> {
  const started = performance.now();
  const answer = await send(`${c.stack[read.service].url}/trpc/${read.path}`, { headers });
  slowestMs = Math.max(slowestMs, performance.now() - started);
  return answer;
}

/** What `presentedCredential` makes of a cookie value: trimmed, then percent-decoded when it can be. */
function cookieToken(value: string): string {
  try {
    return decodeURIComponent(value.trim());
  } catch {
    return value.trim();
  }
}

describe('fuzz: random mutations of a valid token, over HTTP', () => {
  it('in Authorization: 200 only for the exact token (after whitespace trimming), else 401 TOKEN_INVALID', async () => {
    const before = await snapshot(c.stack);
    await fc.assert(
      fc.asyncProperty(mutationsArb, readArb, async (mutations, read) => {
        const token = mutations.reduce(applyMutation, c.victim.accessToken);
        const answer = await timed(read, { authorization: `Bearer ${token}` });
        if (token.trim() === c.victim.accessToken) {
          expect(answer.status, show(read.path, answer)).toBe(200);
        } else {
          expectRefused(answer, read.path, { status: 401, reason: 'TOKEN_INVALID' });
        }
      }),
      { numRuns: 150 },
    );
    expect(await snapshot(c.stack)).toEqual(before);
  });

  it('in the cookie (no ";"): 200 only when it decodes to the exact token, TOKEN_MISSING when empty, else TOKEN_INVALID', async () => {
    const before = await snapshot(c.stack);
    await fc.assert(
      fc.asyncProperty(mutationsArb, readArb, async (mutations, read) => {
        const token = mutations.reduce(applyMutation, c.victim.accessToken);
        fc.pre(!token.includes(';'));
        const answer = await timed(read, { cookie: `theme=dark; access_token=${token}` });
        const presented = cookieToken(token);
        if (presented === c.victim.accessToken) {
          expect(answer.status, show(read.path, answer)).toBe(200);
        } else if (presented === '') {
          expectRefused(answer, read.path, { status: 401, reason: 'TOKEN_MISSING' });
        } else {
          expectRefused(answer, read.path, { status: 401, reason: 'TOKEN_INVALID' });
        }
      }),
      { numRuns: 100 },
    );
    expect(await snapshot(c.stack)).toEqual(before);
  });
});

const now = () => Math.floor(Date.now() / 1000);
// Times well away from every bound (clock tolerance 5 s), so the oracle never races the clock.
const IAT_OFFSETS = [-1200, -600, -60, 0, 3600] as const;
const EXP_OFFSETS = [-3600, -120, 300, 840, 3000, 7200, 365 * 86_400] as const;

/** One departure from what the auth app issues: a header or claims override (`undefined` drops a member). */
type Defect = (c: TokenContext) => { header?: Record<string, unknown>; claims?: Record<string, unknown> };
const DEFECTS: Record<string, Defect> = {
  'alg none': () => ({ header: { alg: 'none' } }),
  'alg Ed25519': () => ({ header: { alg: 'Ed25519' } }),
  'alg HS256': () => ({ header: { alg: 'HS256' } }),
  'alg eddsa': () => ({ header: { alg: 'eddsa' } }),
  'typ JWT': () => ({ header: { typ: 'JWT' } }),
  'typ missing': () => ({ header: { typ: undefined } }),
  'kid unknown': () => ({ header: { kid: 'unknown-kid' } }),
  'kid missing': () => ({ header: { kid: undefined } }),
  jku: (c) => ({ header: { jku: `${c.trap.url}/jwks.json` } }),
  x5u: (c) => ({ header: { x5u: `${c.trap.url}/x.pem` } }),
  jwk: (c) => ({ header: { jwk: c.publicJwk } }),
  crit: () => ({ header: { crit: ['exp'] } }),
  'iss trap': (c) => ({ claims: { iss: c.trap.url } }),
  'iss with a slash': (c) => ({ claims: { iss: `${c.issuer}/` } }),
  'iss missing': () => ({ claims: { iss: undefined } }),
  'aud billing': () => ({ claims: { aud: 'billing' } }),
  'aud array without ours': () => ({ claims: { aud: ['billing'] } }),
  'aud missing': () => ({ claims: { aud: undefined } }),
  'sub empty': () => ({ claims: { sub: '' } }),
  'sub a number': () => ({ claims: { sub: 7 } }),
  'sub missing': () => ({ claims: { sub: undefined } }),
  'sid missing': () => ({ claims: { sid: undefined } }),
  'jti of 300 characters': () => ({ claims: { jti: 'j'.repeat(300) } }),
  'jti a number': () => ({ claims: { jti: 7 } }),
  'jti missing': () => ({ claims: { jti: undefined } }),
  'nbf an hour ahead': () => ({ claims: { nbf: now() + 3600 } }),
};

/** A real-key token: what the auth app issues, with none, one or two defects, and times from a grid. */
const realTokenArb = fc.record({
  defects: fc.oneof(
    { weight: 2, arbitrary: fc.constant([] as string[]) },
    { weight: 3, arbitrary: fc.subarray(Object.keys(DEFECTS), { minLength: 1, maxLength: 2 }) },
  ),
  audAsArray: fc.boolean(),
  iat: fc.constantFrom(...IAT_OFFSETS),
  exp: fc.constantFrom(...EXP_OFFSETS),
});
type RealToken = typeof realTokenArb extends fc.Arbitrary<infer T> ? T : never;

/** What a correct verifier of `read` decides for `t`: the policy of docs/architecture.md, "Tokens", written out independently. */
function shouldAccept(t: RealToken, read: Read): boolean {
  const lifetime = t.exp - t.iat;
  return t.defects.length === 0 && t.exp > 0 && lifetime > 0 && lifetime <= read.maxLifetimeSec && t.iat <= 0;
}

let jtiCounter = 0;
function buildRealToken(t: RealToken): string {
  const base = now();
  const defects = t.defects.map((name) => DEFECTS[name]!(c));
  const header = Object.assign(headerOf(c), ...defects.map((d) => d.header ?? {}));
  const claims = Object.assign(
    {
      iss: c.issuer,
      aud: t.audAsArray ? ['billing', c.audience] : c.audience,
      sub: c.insider.id,
      sid: c.insider.sessionId,
      jti: `fuzz-${++jtiCounter}-${base}`,
      iat: base + t.iat,
      exp: base + t.exp,
    },
    ...defects.map((d) => d.claims ?? {}),
  );
  return signToken(c.real.key, header, claims);
}

describe('fuzz: real-key tokens with random claims and headers, over HTTP', () => {
  it('each service accepts exactly what the policy allows; everything else is 401 with a reason', async () => {
    const before = await snapshot(c.stack);
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(realTokenArb, readArb, async (t, read) => {
        const answer = await timed(read, bearer(buildRealToken(t)));
        if (shouldAccept(t, read)) {
          seen.accepted++;
          expect(answer.status, show(read.path, answer)).toBe(200);
        } else {
          seen.refused++;
          expectRefused(answer, read.path, {
            status: 401,
            reason: t.exp < 0 ? ['TOKEN_EXPIRED', 'TOKEN_INVALID'] : 'TOKEN_INVALID',
          });
        }
      }),
      { numRuns: 150 },
    );
    // Both branches of the oracle ran: the generator is not stuck on one side.
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    const after = await snapshot(c.stack);
    expect(after).toEqual(before);
    expect(c.trap.requests).toEqual([]);
  });
});

describe('fuzz: hostile auth.login bodies', () => {
  const credentialish = fc.record(
    {
      email: fc.oneof(fc.string(), fc.emailAddress(), fc.jsonValue({ maxDepth: 2 })),
      password: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 })),
      extra: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  );
  const bodyArb = fc.oneof(
    credentialish.map((value) => JSON.stringify(value)),
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
      '\u0000',
      '{',
    ),
  );

  it('only 400, 401, 413, 415 or 429 — never a 5xx, never a session', async () => {
    const before = await snapshot(c.stack);
    await fc.assert(
      fc.asyncProperty(bodyArb, async (body) => {
        const answer = await send(`${c.stack.auth.url}/trpc/auth.login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect([400, 401, 413, 415, 429], show('auth.login', answer)).toContain(answer.status);
        expect(answer.text).not.toMatch(LEAK);
      }),
      { numRuns: 100 },
    );
    expect(await snapshot(c.stack)).toEqual(before);
  });
});

describe('after the fuzzing', () => {
  it("the victim's token still works, nothing named by a token was fetched, and no answer took over 2 s", async () => {
    expect((await timed(READS[1], bearer(c.victim.accessToken))).status).toBe(200);
    expect(c.trap.requests).toEqual([]);
    expect(slowestMs).toBeLessThan(2000);
  });
});
