import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, type Device, logIn, signUp } from './harness/accounts.ts';
import { show } from './harness/expect-refused.ts';
import { type Answer, bearer, eventsOf, mutate, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const reasonOf = (answer: Answer): unknown => answer.body?.error?.data?.reason;

/** Every service refuses the token as revoked (within S: the revocation travels by pub/sub). */
async function expectRevokedEverywhere(token: string, label: string): Promise<void> {
  for (const [name, url] of [
    ['auth.me', `${stack.auth.url}/trpc/auth.me`],
    ['notes.list', `${stack.notes.url}/trpc/notes.list`],
    ['activity.list', `${stack.activity.url}/trpc/activity.list`],
  ] as const) {
    let last: Answer | undefined;
    await expect
      .poll(
        async () => {
          last = await send(url, { headers: bearer(token) });
          return reasonOf(last) === 'TOKEN_REVOKED';
        },
        { timeout: 3000, interval: 10 },
      )
      .toBe(true)
      .catch(() => {
        throw new Error(`${label}: ${name} still answers ${last && show(name, last)}`);
      });
  }
}

/** `auth.revokeSession` with `sessionId` spelled in upper case, by the holder of `token`. */
const revokeUpperCased = (sessionId: string, token: string) =>
  mutate(stack.auth.url, 'auth.revokeSession', { sessionId: sessionId.toUpperCase() }, bearer(token));

/** The status notes answers `token` with. */
const notesStatus = async (token: string) =>
  (await send(`${stack.notes.url}/trpc/notes.list`, { headers: bearer(token) })).status;

describe('a session revoked under another spelling of its id', () => {
  it('auth.revokeSession with the id in upper case ends it everywhere: its tokens, its refresh token, its live stream', async () => {
    const owner: Account & Device = await signUp(stack.auth.url, 'upper');
    const laptop = await logIn(stack.auth.url, owner);
    // The laptop's open page watches its session.
    const stream = send(`${stack.auth.url}/trpc/auth.sessionEvents`, {
      headers: bearer(laptop.accessToken),
      timeoutMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const answer = await revokeUpperCased(laptop.sessionId, owner.accessToken);
    expect(answer.status, show('revokeSession', answer)).toBe(200);

    await expectRevokedEverywhere(laptop.accessToken, 'the revoked laptop');
    const refresh = await mutate(stack.auth.url, 'auth.refresh', { refreshToken: laptop.refreshToken });
    expect(reasonOf(refresh), show('refresh', refresh)).toBe('TOKEN_REVOKED');
    const events = eventsOf(await stream);
    expect(events.map((event) => event.data?.type ?? event.event)).toContain('revoked');
    // The device that revoked it is untouched.
    expect(await notesStatus(owner.accessToken)).toBe(200);
  });

  it('a session id in upper case that is not the caller’s is 404, like any other', async () => {
    const owner = await signUp(stack.auth.url, 'owner');
    const stranger = await signUp(stack.auth.url, 'stranger');
    const answer = await revokeUpperCased(owner.sessionId, stranger.accessToken);
    expect(answer.status, show('revokeSession', answer)).toBe(404);
    expect(await notesStatus(owner.accessToken)).toBe(200);
  });
});

/** Resolves `ms` before the next whole second of the wall clock (the not-before is a whole second). */
async function justBeforeNextSecond(ms: number): Promise<void> {
  const now = Date.now();
  let wait = 1000 - (now % 1000) - ms;
  if (wait < 0) wait += 1000;
  await new Promise((resolve) => setTimeout(resolve, wait));
}

describe('a refresh racing "log out everywhere" (real Postgres, concurrent requests)', () => {
  it('every access token a racing refresh obtained is refused once logoutAll answered 200', async () => {
    const account = await signUp(stack.auth.url, 'racer');
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round++) {
      const device = await logIn(stack.auth.url, account);
      // Near the boundary of a second, the refresh a few ms ahead of logoutAll: the refresh passes its
      // session check before logoutAll commits and signs its token after.
      await justBeforeNextSecond(5 + (round % 4) * 5);
      const refreshing = mutate(stack.auth.url, 'auth.refresh', { refreshToken: device.refreshToken });
      await new Promise((resolve) => setTimeout(resolve, 3));
      const loggingOut = mutate(stack.auth.url, 'auth.logoutAll', undefined, bearer(device.accessToken));
      const [refresh, logoutAll] = await Promise.all([refreshing, loggingOut]);
      expect(logoutAll.status, show('logoutAll', logoutAll)).toBe(200);
      if (refresh.status !== 200) {
        outcomes.push(`refresh ${refresh.status}`);
        continue;
      }
      outcomes.push('refresh 200');
      await expectRevokedEverywhere(
        refresh.body.result.data.accessToken,
        `round ${round}: the refreshed token`,
      );
      const again = await mutate(stack.auth.url, 'auth.refresh', {
        refreshToken: refresh.body.result.data.refreshToken,
      });
      expect(again.status, show(`round ${round}: refresh after logoutAll`, again)).toBe(401);
    }
    // The race was really run: some refreshes won it (answered 200) and their tokens were checked.
    expect(outcomes, outcomes.join(', ')).toContain('refresh 200');
  }, 120_000);
});
