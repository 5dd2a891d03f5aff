import type { AuthErrorCode } from '@revoke/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALG_NONE, FOREIGN_KEY, HMAC_CONFUSION } from './cases/forged-tokens.ts';
import { POLICY_REAL_KEY } from './cases/policy-tokens.ts';
import { TAMPERED } from './cases/tampered-tokens.ts';
import type { TokenCase } from './cases/token-case.ts';
import { expectRefused, expectUnauthorized, show } from './harness/expect-refused.ts';
import { expectAccepted, expectNoSessionWatch, protectedCalls } from './harness/fleet-calls.ts';
import { bearer, eventsOf, type HeaderInput, send } from './harness/http.ts';
import { b64, ofLength, signToken } from './harness/jws.ts';
import { snapshot } from './harness/state.ts';
import {
  closeTokenStack,
  headerOf,
  insiderClaims,
  startTokenStack,
  type TokenContext,
} from './harness/token-context.ts';

let c: TokenContext;
beforeAll(async () => {
  c = await startTokenStack();
});
afterAll(() => closeTokenStack(c));

/**
 * The contract for one hostile credential: every protected procedure of every service answers 401
 * with `reason`; nothing is written anywhere; nothing was fetched from a URL the token named; and
 * the victim's own token is still accepted everywhere.
 */
async function expectRefusedEverywhere(headers: HeaderInput, reason: AuthErrorCode | AuthErrorCode[]) {
  const before = await snapshot(c.stack);
  for (const { label, call } of protectedCalls(c.stack))
    expectUnauthorized(await call(headers), label, reason);
  await expectNoSessionWatch(c.stack, headers, reason);
  expect(await snapshot(c.stack)).toEqual(before);
  expect(c.trap.requests).toEqual([]);
  await expectAccepted(c.stack, c.victim.accessToken, "the victim's token");
}

describe('controls: the paths the hostile cases use do accept a good token', () => {
  it("the victim's issued token is accepted by auth, notes and activity", async () => {
    await expectAccepted(c.stack, c.victim.accessToken);
  });

  it('a token signed with the real key and valid claims is accepted (so the policy cases below fail on policy)', async () => {
    await expectAccepted(c.stack, signToken(c.real.key, headerOf(c), insiderClaims(c)), 'real-key token');
  });

  it('a real-key token of exactly 8 KB is accepted: the size gate is at 8 KB + 1', async () => {
    const token = ofLength(
      (pad, headerPad) => signToken(c.real.key, headerOf(c, { pad: headerPad }), insiderClaims(c, { pad })),
      8192,
    );
    await expectAccepted(c.stack, token, '8 KB token');
  });
});

describe.each([
  ['alg none', ALG_NONE],
  ['HMAC keyed with the public key', HMAC_CONFUSION],
  ['foreign keys and key-carrying headers', FOREIGN_KEY],
  ['policy, with a valid signature of the real key', POLICY_REAL_KEY],
  ['tampered issued tokens', TAMPERED],
] as const)('%s', (_group, cases: readonly TokenCase[]) => {
  it.each(cases.map(([name, build, reason]) => [name, reason, build] as const))(
    '%s → 401 %s everywhere, nothing changes',
    async (_name, reason, build) => {
      await expectRefusedEverywhere(bearer(build(c)), reason);
    },
  );
});

describe('tokens past the HTTP header limit', () => {
  it.each([
    [
      'a 100 KB token in Authorization',
      () => ({ authorization: `Bearer ${c.victim.accessToken}${'A'.repeat(100_000)}` }),
    ],
    [
      'a 20 KB token in Authorization (past the 16 KB default)',
      () => ({ authorization: `Bearer ${'A'.repeat(20_000)}` }),
    ],
    ['a 100 KB token in the cookie', () => ({ cookie: `access_token=${'A'.repeat(100_000)}` })],
  ])('%s → 431 from the HTTP layer, never a 500, nothing changes', async (_, headers) => {
    const before = await snapshot(c.stack);
    for (const { label, call } of protectedCalls(c.stack)) {
      expectRefused(await call(headers()), label, { status: [431, 400, 413] });
    }
    expect(await snapshot(c.stack)).toEqual(before);
    await expectAccepted(c.stack, c.victim.accessToken, "the victim's token");
  });
});

describe('two credentials at once', () => {
  const cookie = (token: string) => `access_token=${token}`;
  it.each([
    [
      'Bearer victim + a different cookie (attacker)',
      () => ({ ...bearer(c.victim.accessToken), cookie: cookie(c.attacker.accessToken) }),
    ],
    [
      'Bearer attacker + the victim cookie',
      () => ({ ...bearer(c.attacker.accessToken), cookie: cookie(c.victim.accessToken) }),
    ],
    [
      'a forged Bearer + the victim cookie + the CSRF header',
      () => ({ authorization: 'Bearer a.b.c', cookie: cookie(c.victim.accessToken), 'x-revoke-csrf': '1' }),
    ],
    [
      'two access_token cookies',
      () => ({ cookie: `${cookie(c.attacker.accessToken)}; ${cookie(c.victim.accessToken)}` }),
    ],
    [
      'the same access_token cookie twice',
      () => ({ cookie: `${cookie(c.victim.accessToken)}; ${cookie(c.victim.accessToken)}` }),
    ],
    [
      'two Bearer tokens in one Authorization header',
      () => ({ authorization: `Bearer ${c.attacker.accessToken}, Bearer ${c.victim.accessToken}` }),
    ],
    [
      'Basic credentials + the victim cookie',
      () => ({ authorization: 'Basic dXNlcjpwYXNz', cookie: cookie(c.victim.accessToken) }),
    ],
  ])('%s → 401 TOKEN_INVALID everywhere, nothing changes', async (_, headers) => {
    await expectRefusedEverywhere(headers(), 'TOKEN_INVALID');
  });

  it('two Authorization header lines (attacker, then victim) are refused before any procedure runs', async () => {
    const before = await snapshot(c.stack);
    const headers: [string, string][] = [
      ['authorization', `Bearer ${c.attacker.accessToken}`],
      ['authorization', `Bearer ${c.victim.accessToken}`],
    ];
    for (const { label, call } of protectedCalls(c.stack)) {
      const answer = await call(headers);
      // Node itself refuses a repeated Authorization line (400); a 401 would do as well.
      expectRefused(answer, label, { status: [400, 401] });
    }
    expect(await snapshot(c.stack)).toEqual(before);
  });
});

describe('other ways in: batches, HEAD, the SSE subscription', () => {
  const forged = () => `${b64(headerOf(c, { alg: 'none' }))}.${b64(c.victimClaims)}.`;

  it('a batch of every auth query with a forged token → 401, every item TOKEN_INVALID', async () => {
    const answer = await send(`${c.stack.auth.url}/trpc/auth.me,auth.sessions?batch=1&input=%7B%7D`, {
      headers: bearer(forged()),
    });
    expectRefused(answer, 'batch', { status: 401 });
    expect(
      answer.body.map((item: { error: { data: { reason: string } } }) => item.error.data.reason),
    ).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID']);
  });

  it('a batch of logout, logoutAll and revokeSession with a forged token → 401 each, nothing revoked', async () => {
    const before = await snapshot(c.stack);
    const answer = await send(
      `${c.stack.auth.url}/trpc/auth.logout,auth.logoutAll,auth.revokeSession?batch=1`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(forged()) },
        body: JSON.stringify({ 2: { sessionId: c.victim.sessionId } }),
      },
    );
    expectRefused(answer, 'batch', { status: 401 });
    expect(
      answer.body.map((item: { error: { data: { reason: string } } }) => item.error.data.reason),
    ).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID', 'TOKEN_INVALID']);
    expect(await snapshot(c.stack)).toEqual(before);
    await expectAccepted(c.stack, c.victim.accessToken, "the victim's token");
  });

  it('HEAD with a forged token runs no procedure: no body, nothing changes', async () => {
    const before = await snapshot(c.stack);
    for (const url of [`${c.stack.auth.url}/trpc/auth.me`, `${c.stack.notes.url}/trpc/notes.list`]) {
      const answer = await send(url, { method: 'HEAD', headers: bearer(forged()) });
      // tRPC would answer every HEAD with 204 before routing, which reads as "valid": refused instead.
      expect(answer.status, show('HEAD', answer)).toBe(405);
      expect(answer.headers.allow).toBe('GET, POST');
      expect(answer.text).toBe('');
    }
    expect(await snapshot(c.stack)).toEqual(before);
  });

  // tRPC's SSE transport opens the stream before the procedure's middleware runs, so a refusal
  // arrives as the stream's one `serialized-error` event (UNAUTHORIZED, httpStatus 401, the reason)
  // on an HTTP 200, and the stream ends: the browser's EventSource can read the reason only that way.
  it('auth.sessionEvents (SSE) refuses a forged token with a 401 error event and its reason, and ends', async () => {
    const answer = await expectNoSessionWatch(c.stack, bearer(forged()), 'TOKEN_INVALID');
    const error = eventsOf(answer).find((event) => event.event === 'serialized-error');
    expect(error?.data?.data, show('auth.sessionEvents', answer)).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
    });
  });
});

describe('no outbound request', () => {
  it('nothing a hostile token named (jku, x5u, iss, kid URLs) was ever fetched', () => {
    expect(c.trap.requests).toEqual([]);
  });

  it('the trap server does answer (so a fetch would have been counted)', async () => {
    const answer = await send(`${c.trap.url}/self-check`);
    expect(answer.status).toBe(200);
    expect(c.trap.requests.splice(0)).toEqual(['GET /self-check']);
  });
});
