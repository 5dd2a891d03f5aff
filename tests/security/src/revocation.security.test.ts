import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FORGED, nonCanonicalTwins, REVOKED_VARIANTS } from './cases/revoked-and-forged.ts';
import { type Device, logIn, signUp } from './harness/accounts.ts';
import { expectRefused, expectUnauthorized, show } from './harness/expect-refused.ts';
import {
  createNote,
  expectAccepted,
  expectNoSessionWatch,
  notesOf,
  protectedCalls,
} from './harness/fleet-calls.ts';
import { type Answer, bearer, mutate, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';
import { createTokenContext, type TokenContext } from './harness/token-context.ts';

let stack: Stack;
let c: TokenContext;
/** A device that logged out: its access token is revoked everywhere. */
let leaver: Device;
beforeAll(async () => {
  stack = await startStack();
  c = await createTokenContext(stack);
  await createNote(stack, c.victim.accessToken);
  leaver = await signUp(stack.auth.url, 'leaver');
  await expectAccepted(stack, leaver.accessToken, 'before logout');
  const logout = await mutate(stack.auth.url, 'auth.logout', undefined, bearer(leaver.accessToken));
  expect(logout.status, show('logout', logout)).toBe(200);
  const isRevoked = (answer: Answer) => answer.body?.error?.data?.reason === 'TOKEN_REVOKED';
  for (const url of [stack.auth.url, stack.notes.url, stack.activity.url]) {
    const path =
      url === stack.auth.url ? 'auth.me' : url === stack.notes.url ? 'notes.list' : 'activity.list';
    // vi.waitFor, not expect.poll: this is a hook, and expect.poll runs only inside a test.
    await vi.waitFor(
      async () =>
        expect(isRevoked(await send(`${url}/trpc/${path}`, { headers: bearer(leaver.accessToken) }))).toBe(
          true,
        ),
      { timeout: 2000, interval: 10 },
    );
  }
});
afterAll(async () => {
  await c?.trap.close();
  await stack?.close();
});

describe('a revoked token stays refused however it is re-encoded', () => {
  it.each(REVOKED_VARIANTS.map(([name, headers, reason]) => [name, reason, headers] as const))(
    '%s → 401 %s everywhere, nothing changes',
    async (_name, reason, headers) => {
      const before = await snapshot(stack);
      for (const { label, call } of protectedCalls(stack, { logout: false })) {
        expectUnauthorized(await call(headers(leaver.accessToken)), label, reason);
      }
      await expectNoSessionWatch(stack, headers(leaver.accessToken), reason);
      expect(await snapshot(stack)).toEqual(before);
    },
  );

  it('a non-canonical last character (same bytes, other string) in each segment that has spare bits', async () => {
    const twins = nonCanonicalTwins(leaver.accessToken);
    // The 86-character signature always leaves 4 spare bits.
    expect(twins.length).toBeGreaterThan(0);
    for (const twin of twins) {
      expect(twin).not.toBe(leaver.accessToken);
      for (const { label, call } of protectedCalls(stack, { logout: false })) {
        expectUnauthorized(await call(bearer(twin)), label, 'TOKEN_INVALID');
      }
    }
  });

  it('the refresh token of the logged-out session is refused (TOKEN_REVOKED) and issues nothing', async () => {
    const before = await snapshot(stack);
    const answer = await mutate(stack.auth.url, 'auth.refresh', { refreshToken: leaver.refreshToken });
    expectUnauthorized(answer, 'auth.refresh', 'TOKEN_REVOKED');
    expect(await snapshot(stack)).toEqual(before);
  });

  it('logging out again with a re-encoded revoked token is refused; with the exact one it adds no revocation', async () => {
    const before = await snapshot(stack);
    for (const twin of [`${leaver.accessToken}=`, ...nonCanonicalTwins(leaver.accessToken)]) {
      expectUnauthorized(
        await mutate(stack.auth.url, 'auth.logout', undefined, bearer(twin)),
        'logout',
        'TOKEN_INVALID',
      );
    }
    const again = await mutate(stack.auth.url, 'auth.logout', undefined, bearer(leaver.accessToken));
    expect(again.status, show('logout again', again)).toBe(200);
    const after = await snapshot(stack);
    expect(after.revocations).toBe(before.revocations);
    expect(after.revokedSessions).toBe(before.revokedSessions);
  });
});

const form = (url: string, body: string, headers: Record<string, string> = {}) =>
  send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

/** The victim is untouched: their token works everywhere, their session and note are still there. */
async function expectVictimIntact(): Promise<void> {
  await expectAccepted(stack, c.victim.accessToken, "the victim's token");
  const sessions = await send(`${stack.auth.url}/trpc/auth.sessions`, {
    headers: bearer(c.victim.accessToken),
  });
  expect(sessions.body.result.data).toEqual([
    expect.objectContaining({ id: c.victim.sessionId, current: true }),
  ]);
  expect(await notesOf(stack, c.victim.accessToken)).toHaveLength(1);
}

describe("a forged token carrying the victim's jti and sid revokes nothing", () => {
  it.each(FORGED)(
    '%s → refused by logout, logoutAll, revokeSession and /oauth/revoke',
    async (_name, build) => {
      const forged = build(c);
      const before = await snapshot(stack);
      const auth = stack.auth.url;
      const refused = async (label: string, answer: Promise<Answer>) =>
        expectUnauthorized(await answer, label, 'TOKEN_INVALID');
      await refused('auth.logout (Bearer)', mutate(auth, 'auth.logout', undefined, bearer(forged)));
      await refused(
        'auth.logout (cookie + CSRF header)',
        mutate(auth, 'auth.logout', undefined, { cookie: `access_token=${forged}`, 'x-revoke-csrf': '1' }),
      );
      await refused('auth.logoutAll', mutate(auth, 'auth.logoutAll', undefined, bearer(forged)));
      await refused(
        'auth.revokeSession',
        mutate(auth, 'auth.revokeSession', { sessionId: c.victim.sessionId }, bearer(forged)),
      );
      // RFC 7009 §2.2: 200 whatever the token, so the answer reveals nothing; what matters is the state.
      for (const answer of [
        await form(`${auth}/oauth/revoke`, `token=${forged}`),
        await form(`${auth}/oauth/revoke`, `token=${forged}&token_type_hint=access_token`),
        await send(`${auth}/oauth/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: forged }),
        }),
      ]) {
        expect(answer.status, show('/oauth/revoke', answer)).toBe(200);
      }
      expect(await snapshot(stack)).toEqual(before);
      await expectVictimIntact();
    },
  );

  it.each([
    ["the victim's jti", () => String(c.victimClaims.jti)],
    ["the victim's session id", () => c.victim.sessionId],
    ["the victim's user id", () => c.victim.id],
    [
      "the victim's refresh token with its last character changed",
      () => `${c.victim.refreshToken.slice(0, -1)}${c.victim.refreshToken.endsWith('A') ? 'B' : 'A'}`,
    ],
    ["the victim's refresh token, upper-cased", () => c.victim.refreshToken.toUpperCase()],
    ["the victim's refresh token with '=' padding", () => `${c.victim.refreshToken}=`],
  ])('/oauth/revoke with %s as the token revokes nothing', async (_name, token) => {
    const before = await snapshot(stack);
    const answer = await form(`${stack.auth.url}/oauth/revoke`, `token=${encodeURIComponent(token())}`);
    expect(answer.status, show('/oauth/revoke', answer)).toBe(200);
    expect(await snapshot(stack)).toEqual(before);
    await expectVictimIntact();
  });

  it("auth.revokeSession with the attacker's own valid token and the victim's session id → 404, nothing revoked", async () => {
    const before = await snapshot(stack);
    const answer = await mutate(
      stack.auth.url,
      'auth.revokeSession',
      { sessionId: c.victim.sessionId },
      bearer(c.attacker.accessToken),
    );
    expectRefused(answer, 'auth.revokeSession', { status: 404 });
    expect(await snapshot(stack)).toEqual(before);
    await expectVictimIntact();
  });

  it.each([
    ['a random token of the right shape', () => Buffer.alloc(32, 7).toString('base64url')],
    [
      "the victim's refresh token with its last character changed",
      () => `${c.victim.refreshToken.slice(0, -1)}${c.victim.refreshToken.endsWith('A') ? 'B' : 'A'}`,
    ],
    ["the victim's access token", () => c.victim.accessToken],
  ])('auth.refresh with %s → refused, nothing rotated or revoked', async (_name, token) => {
    const before = await snapshot(stack);
    const answer = await mutate(stack.auth.url, 'auth.refresh', { refreshToken: token() });
    // A string that cannot be a refresh token is a 400 (input schema) or a 401 TOKEN_INVALID.
    expectRefused(answer, 'auth.refresh', { status: [400, 401] });
    if (answer.status === 401) expect(answer.body.error.data.reason).toBe('TOKEN_INVALID');
    expect(await snapshot(stack)).toEqual(before);
    await expectVictimIntact();
  });

  it('/oauth/introspect refuses callers without the client secret', async () => {
    for (const authorization of [
      undefined,
      'Basic aW50cm9zcGVjdDp3cm9uZw==',
      'Basic %%%',
      `Bearer ${c.victim.accessToken}`,
    ]) {
      const answer = await form(
        `${stack.auth.url}/oauth/introspect`,
        `token=${c.victim.accessToken}`,
        authorization ? { authorization } : {},
      );
      expectRefused(answer, `introspect with ${authorization}`, { status: 401 });
      expect(answer.text).not.toContain(c.victim.id);
    }
  });
});

describe('controls: the same endpoints do revoke with a real token', () => {
  it("the attacker's own real token revoked through /oauth/revoke is refused everywhere", async () => {
    const device = await logIn(stack.auth.url, c.attacker);
    expect((await form(`${stack.auth.url}/oauth/revoke`, `token=${device.accessToken}`)).status).toBe(200);
    await expect
      .poll(
        async () =>
          (await send(`${stack.notes.url}/trpc/notes.list`, { headers: bearer(device.accessToken) })).status,
        { timeout: 2000, interval: 10 },
      )
      .toBe(401);
  });

  it("the victim's own logout revokes their token everywhere", async () => {
    expect(
      (await mutate(stack.auth.url, 'auth.logout', undefined, bearer(c.victim.accessToken))).status,
    ).toBe(200);
    for (const url of [`${stack.notes.url}/trpc/notes.list`, `${stack.activity.url}/trpc/activity.list`]) {
      await expect
        .poll(async () => (await send(url, { headers: bearer(c.victim.accessToken) })).status, {
          timeout: 2000,
          interval: 10,
        })
        .toBe(401);
    }
  });

  it('nothing a forged token named was fetched', () => {
    expect(c.trap.requests).toEqual([]);
  });
});
