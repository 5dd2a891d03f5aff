import { openSse, type SseStream } from '@revoke/testkit/sse';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { logIn, signUp } from './harness/accounts.ts';
import { LEAK, show } from './harness/expect-refused.ts';
import { expectAccepted } from './harness/fleet-calls.ts';
import { bearer, eventsOf, mutate, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';

// Small caps, so that the test reaches them; the defaults are far above any tab count.
const PER_SESSION = 3;
const PER_USER = 5;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    SESSION_EVENTS_MAX_PER_SESSION: String(PER_SESSION),
    SESSION_EVENTS_MAX_PER_USER: String(PER_USER),
  });
});
/** Every stream a test opened; all are closed after it, whatever happened. */
const opened: SseStream[] = [];
afterEach(() => {
  for (const stream of opened.splice(0)) stream.close();
});
afterAll(async () => {
  await stack?.close();
});

/** Opens `auth.sessionEvents` and keeps it open until `close` (or the end of the test). */
async function openStream(token: string): Promise<SseStream> {
  const stream = await openSse(`${stack.auth.url}/trpc/auth.sessionEvents`, bearer(token));
  opened.push(stream);
  return stream;
}

/** Opens a stream that must be armed (`watching`). */
async function armed(token: string): Promise<SseStream> {
  const stream = await openStream(token);
  expect(stream.status).toBe(200);
  expect((await stream.next()).event).toBe('connected');
  expect((await stream.next()).data).toMatchObject({ type: 'watching' });
  return stream;
}

/**
 * The subscription must be refused past a cap: one TOO_MANY_REQUESTS (429) error event, never
 * `watching`, and the answer ends by itself (a live watch would hold it open past the timeout). tRPC's
 * SSE transport carries a refusal as an event on an HTTP 200 (see tokens.security.test.ts).
 */
async function expectCapped(token: string, limit: 'session' | 'user'): Promise<void> {
  const answer = await send(`${stack.auth.url}/trpc/auth.sessionEvents`, {
    headers: { accept: 'text/event-stream', ...bearer(token) },
    timeoutMs: 5000,
  }).catch((error: Error) => {
    throw new Error(`the stream past the ${limit} cap was not refused: it stayed open (${error.message})`);
  });
  const label = show(`stream past the ${limit} cap`, answer);
  const events = eventsOf(answer).filter((event) => event.event !== 'connected');
  expect(JSON.stringify(events), label).not.toContain('watching');
  expect(events, label).toHaveLength(1);
  expect(events[0]?.event, label).toBe('serialized-error');
  expect(events[0]?.data, label).toMatchObject({
    message: expect.stringContaining(`for this ${limit}`),
    data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 },
  });
  expect(answer.text, label).not.toMatch(LEAK);
}

/** Opens streams until one is armed: the server notices a closed stream a moment after the client. */
async function armedOnceFree(token: string): Promise<SseStream> {
  let stream: SseStream | undefined;
  await expect
    .poll(
      async () => {
        const candidate = await openStream(token);
        await candidate.next();
        const first = await candidate.next();
        if (first.data?.type === 'watching') stream = candidate;
        else candidate.close();
        return stream !== undefined;
      },
      { timeout: 3000, interval: 10 },
    )
    .toBe(true);
  return stream!;
}

/** Every stream ends with `revoked`, `logged_out_everywhere`: the revocation reached all of them. */
async function expectAllSignedOut(streams: SseStream[]): Promise<void> {
  for (const stream of streams) {
    expect((await stream.next()).data).toEqual({ type: 'revoked', reason: 'logged_out_everywhere' });
    await expect(stream.next()).resolves.toMatchObject({ event: 'return' });
  }
}

describe('auth.sessionEvents: open streams are capped per session and per user', () => {
  it(`stream ${PER_SESSION + 1} of one session is refused with 429; nothing leaks; closing one frees one slot`, async () => {
    const victim = await signUp(stack.auth.url, 'streams');
    const before = await snapshot(stack);
    const streams = [];
    for (let n = 0; n < PER_SESSION; n++) streams.push(await armed(victim.accessToken));
    // Refused again and again: a refusal takes no slot.
    for (let n = 0; n < 3; n++) await expectCapped(victim.accessToken, 'session');
    expect(await snapshot(stack)).toEqual(before);
    await expectAccepted(stack, victim.accessToken, "the capped user's token");

    streams.shift()!.close();
    streams.push(await armedOnceFree(victim.accessToken));
    await expectCapped(victim.accessToken, 'session');

    const logoutAll = await mutate(stack.auth.url, 'auth.logoutAll', undefined, bearer(victim.accessToken));
    expect(logoutAll.status, show('logoutAll', logoutAll)).toBe(200);
    await expectAllSignedOut(streams);
  });

  it(`the per-user cap (${PER_USER}) holds across sessions; a revocation still reaches every open stream, then frees their slots`, async () => {
    const first = await signUp(stack.auth.url, 'streams-user');
    const second = await logIn(stack.auth.url, first);
    const third = await logIn(stack.auth.url, first);
    const streams = [];
    for (let n = 0; n < PER_SESSION; n++) streams.push(await armed(first.accessToken));
    for (let n = PER_SESSION; n < PER_USER; n++) streams.push(await armed(second.accessToken));
    await expectCapped(second.accessToken, 'user');
    await expectCapped(third.accessToken, 'user');
    // Another user is not held back by this one.
    const bystander = await signUp(stack.auth.url, 'bystander');
    const theirs = await armed(bystander.accessToken);

    const logoutAll = await mutate(stack.auth.url, 'auth.logoutAll', undefined, bearer(third.accessToken));
    expect(logoutAll.status, show('logoutAll', logoutAll)).toBe(200);
    await expectAllSignedOut(streams);
    await expect(theirs.next(300)).rejects.toThrow(/no event/);

    // The ended streams gave their slots back: a new session of the user may open as many again.
    const fresh = await logIn(stack.auth.url, first);
    for (let n = 0; n < PER_SESSION; n++) await armed(fresh.accessToken);
  });
});
