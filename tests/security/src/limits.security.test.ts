import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, type Device, logIn, newEmail, signUp } from './harness/accounts.ts';
import { expectRefused, show } from './harness/expect-refused.ts';
import { expectAccepted } from './harness/fleet-calls.ts';
import { type Answer, bearer, mutate, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';

// Small budgets, so that each loop reaches its limit in a few dozen requests.
const BUDGETS = {
  LOGIN_MAX_ACCOUNT_FAILURES: '20',
  REGISTER_MAX_PER_IP: '10',
  REVOKE_MAX_PER_USER: '5',
  REFRESH_MAX_PER_SESSION: '5',
};

let stack: Stack;
/** The account under attack; it signed up and in from 127.0.0.1, its owner's usual address. */
let owner: Account & Device;
beforeAll(async () => {
  stack = await startStack(BUDGETS);
  owner = await signUp(stack.auth.url, 'owner');
});
afterAll(() => stack?.close());

/** `POST /trpc/<path>` from another loopback address (127.0.0.2, …): another client as the server sees it. */
function mutateFrom(
  localAddress: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  return send(`${stack.auth.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
    localAddress,
  });
}

/** A 429 with a `Retry-After` of whole seconds, and nothing internal in the body. */
function expectTooMany(answer: Answer, label: string): void {
  expectRefused(answer, label, { status: 429 });
  expect(Number(answer.headers['retry-after']), show(label, answer)).toBeGreaterThan(0);
}

const loopback = (host: number) => `127.0.0.${host}`;

describe('password guessing spread over many addresses', () => {
  // Regression: from 39 loopback addresses, 390 wrong passwords for one account were checked without a 429.
  it("guesses from 39 addresses reach a 429, while the owner's usual address still signs in", async () => {
    const answers: Answer[] = [];
    for (let host = 2; host <= 40; host++) {
      for (let guess = 0; guess < 3; guess++) {
        const wrong = { email: owner.email, password: `guess-${host}-${guess}` };
        answers.push(await mutateFrom(loopback(host), 'auth.login', wrong));
      }
    }
    const statuses = answers.map((answer) => answer.status);
    // Every guess within the account-wide budget was checked and refused, and every one past it throttled.
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(statuses.length - 20).fill(429));
    for (const [i, answer] of answers.slice(20).entries()) expectTooMany(answer, `guess ${20 + i}`);

    // Where the owner signed in before keeps its own budget: the right password still works there.
    const before = await snapshot(stack);
    const home = await mutate(stack.auth.url, 'auth.login', { email: owner.email, password: owner.password });
    expect(home.status, show('owner at home', home)).toBe(200);
    await expectAccepted(stack, home.body.result.data.accessToken, 'owner after the attack');
    expect((await snapshot(stack)).sessions).toBe(before.sessions + 1);

    // The trade-off: a place the owner never signed in from waits out the lockout, password or not.
    const elsewhere = await mutateFrom(loopback(41), 'auth.login', {
      email: owner.email,
      password: owner.password,
    });
    expectTooMany(elsewhere, 'owner from a new address');
    // Another account is not locked by it.
    const neighbour = await signUp(stack.auth.url, 'neighbour');
    const other = await mutateFrom(loopback(41), 'auth.login', {
      email: neighbour.email,
      password: neighbour.password,
    });
    expect(other.status, show('another account from a new address', other)).toBe(200);
  });
});

describe('registration from one address', () => {
  // Regression: 200 registrations from one address, each an argon2 hash, were never limited.
  it('reaches a 429 after REGISTER_MAX_PER_IP, and nothing is written past it', async () => {
    const address = loopback(50);
    const register = () =>
      mutateFrom(address, 'auth.register', { email: newEmail('bulk'), password: 'correct horse battery' });
    for (let i = 0; i < 10; i++) {
      const answer = await register();
      expect(answer.status, show(`registration ${i}`, answer)).toBe(200);
    }
    const before = await snapshot(stack);
    for (let i = 10; i < 25; i++) expectTooMany(await register(), `registration ${i}`);
    expect(await snapshot(stack)).toEqual(before);
    // Another address is not throttled by it.
    const other = await mutateFrom(loopback(51), 'auth.register', {
      email: newEmail('other'),
      password: 'correct horse battery',
    });
    expect(other.status, show('registration from another address', other)).toBe(200);
  });
});

describe('revoking loops by one signed-in user', () => {
  // Regression: one user could log out, revoke and /oauth/revoke without limit, each a revocation
  // that Redis and every service's cache hold.
  it('log in and out in a loop reaches a 429; then logout, revokeSession and /oauth/revoke revoke nothing', async () => {
    const looper = await signUp(stack.auth.url, 'looper');
    const tablet = await logIn(stack.auth.url, looper);
    // Each round adds a session's and a token's revocation, held by Redis and every cache until expiry.
    const sessions = [
      looper,
      ...(await Promise.all(Array.from({ length: 5 }, () => logIn(stack.auth.url, looper)))),
    ];
    for (const [i, device] of sessions.slice(0, 5).entries()) {
      const answer = await mutate(stack.auth.url, 'auth.logout', undefined, bearer(device.accessToken));
      expect(answer.status, show(`logout ${i}`, answer)).toBe(200);
    }
    const before = await snapshot(stack);
    expectTooMany(
      await mutate(stack.auth.url, 'auth.logout', undefined, bearer(sessions[5]!.accessToken)),
      'logout',
    );
    expectTooMany(
      await mutate(
        stack.auth.url,
        'auth.revokeSession',
        { sessionId: tablet.sessionId },
        bearer(tablet.accessToken),
      ),
      'revokeSession',
    );
    for (const token of [tablet.accessToken, tablet.refreshToken]) {
      const answer = await send(`${stack.auth.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      expectTooMany(answer, '/oauth/revoke');
      expect(answer.body, show('/oauth/revoke', answer)).toMatchObject({ error: 'too_many_requests' });
    }
    expect(await snapshot(stack)).toEqual(before);
    await expectAccepted(stack, tablet.accessToken, 'the tablet after refused revocations');

    // "Log out everywhere" is counted apart, so its owner can always still end every session.
    const everywhere = await mutate(stack.auth.url, 'auth.logoutAll', undefined, bearer(tablet.accessToken));
    expect(everywhere.status, show('logoutAll', everywhere)).toBe(200);
  });

  it('a thief looping on a stolen, revoked token or made-up session ids cannot spend the owner’s budget', async () => {
    const victim = await signUp(stack.auth.url, 'victim');
    const stolen = await logIn(stack.auth.url, victim);
    expect((await mutate(stack.auth.url, 'auth.logout', undefined, bearer(stolen.accessToken))).status).toBe(
      200,
    );
    const laptop = await logIn(stack.auth.url, victim);
    for (let i = 0; i < 10; i++) {
      // Logging out an already revoked token again changes nothing, so it costs nothing.
      const again = await mutate(stack.auth.url, 'auth.logout', undefined, bearer(stolen.accessToken));
      expect(again.status, show(`logout again ${i}`, again)).toBe(200);
      // A session that is not the caller's is 404, and costs nothing either.
      const madeUp = await mutate(
        stack.auth.url,
        'auth.revokeSession',
        { sessionId: crypto.randomUUID() },
        bearer(laptop.accessToken),
      );
      expect(madeUp.status, show(`revokeSession ${i}`, madeUp)).toBe(404);
    }
    // The owner's own logout still goes through.
    const logout = await mutate(stack.auth.url, 'auth.logout', undefined, bearer(victim.accessToken));
    expect(logout.status, show('the owner’s logout', logout)).toBe(200);
  });

  it('auth.refresh in a loop reaches a 429, and the refused refresh rotates nothing', async () => {
    const refresher = await signUp(stack.auth.url, 'refresher');
    let { refreshToken } = refresher;
    for (let i = 0; i < 5; i++) {
      const answer = await mutate(stack.auth.url, 'auth.refresh', { refreshToken });
      expect(answer.status, show(`refresh ${i}`, answer)).toBe(200);
      refreshToken = answer.body.result.data.refreshToken;
    }
    const before = await snapshot(stack);
    expectTooMany(await mutate(stack.auth.url, 'auth.refresh', { refreshToken }), 'refresh');
    expect(await snapshot(stack)).toEqual(before);
  });
});
