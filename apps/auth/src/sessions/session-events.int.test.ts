import { openSse, type SseStream } from '@revoke/testkit/sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortLivedToken } from '../testing/short-lived-token.ts';
import { newCredentials, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';
import { sessionRevocationHubOf } from './session-revocations.ts';
import { sessionStreamsOf } from './session-streams.ts';

const WEB_ORIGIN = 'http://127.0.0.1:5173';

let app: TestAuthApp;
beforeAll(async () => {
  // No grace: a second use of a rotated refresh token is reuse at once.
  app = await startTestAuthApp({ REFRESH_REUSE_GRACE_SEC: '0', WEB_ORIGIN });
});
afterAll(() => app?.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const subscribe = (headers: Record<string, string>) => openSse(`${app.url}/trpc/auth.sessionEvents`, headers);

/** Opens the stream and waits until it is armed (`watching`). */
async function watching(token: string): Promise<SseStream> {
  const stream = await subscribe(bearer(token));
  expect(stream.status).toBe(200);
  expect((await stream.next()).event).toBe('connected');
  const first = await stream.next();
  expect(first.data).toMatchObject({ type: 'watching' });
  return stream;
}

/** The next data event, then the stream's end (`return`). */
async function lastWord(stream: SseStream) {
  const event = await stream.next();
  expect(event.event).toBe('message');
  expect((await stream.next()).event).toBe('return');
  return event.data;
}

/** A second device of the same user. */
async function secondDevice(credentials: { email: string; password: string }, on: TestAuthApp = app) {
  const login = await on.mutate('auth.login', credentials);
  return login.body.result.data as { accessToken: string; refreshToken: string };
}

describe('auth.sessionEvents (SSE)', () => {
  it('is armed, then ends with logged_out_everywhere within one pub/sub hop of logoutAll on another device', async () => {
    const a = await signUpAndLogIn(app);
    const b = await secondDevice(a.credentials);
    const stream = await watching(b.accessToken);
    const started = performance.now();
    expect((await app.mutate('auth.logoutAll', undefined, bearer(a.accessToken))).status).toBe(200);
    expect(await lastWord(stream)).toEqual({ type: 'revoked', reason: 'logged_out_everywhere' });
    const elapsed = performance.now() - started;
    console.log(`sessionEvents: logoutAll → revoked event in ${elapsed.toFixed(1)} ms (incl. the mutation)`);
    expect(elapsed).toBeLessThan(1000);
    await stream.ended;
  });

  it('ends with device_revoked for the revoked device only; the other device keeps watching', async () => {
    const a = await signUpAndLogIn(app);
    const b = await secondDevice(a.credentials);
    const streamA = await watching(a.accessToken);
    const streamB = await watching(b.accessToken);
    const sessions = (await app.query('auth.sessions', bearer(a.accessToken))).body.result.data as {
      id: string;
      current: boolean;
    }[];
    const other = sessions.find((session) => !session.current)!;
    expect(
      (await app.mutate('auth.revokeSession', { sessionId: other.id }, bearer(a.accessToken))).status,
    ).toBe(200);
    expect(await lastWord(streamB)).toEqual({ type: 'revoked', reason: 'device_revoked' });
    await expect(streamA.next(300)).rejects.toThrow(/no event/);
    streamA.close();
  });

  it('ends with signed_out when another tab of the same session logs out', async () => {
    const a = await signUpAndLogIn(app);
    const stream = await watching(a.accessToken);
    expect((await app.mutate('auth.logout', undefined, bearer(a.accessToken))).status).toBe(200);
    expect(await lastWord(stream)).toEqual({ type: 'revoked', reason: 'signed_out' });
  });

  it('ends with refresh_token_reuse when a rotated refresh token comes back', async () => {
    const a = await signUpAndLogIn(app);
    const stream = await watching(a.accessToken);
    expect((await app.mutate('auth.refresh', { refreshToken: a.refreshToken })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await app.mutate('auth.refresh', { refreshToken: a.refreshToken })).status).toBe(401);
    expect(await lastWord(stream)).toEqual({ type: 'revoked', reason: 'refresh_token_reuse' });
  });

  it('survives a refresh: the old stream stays armed, and a new one opens with the new token', async () => {
    const a = await signUpAndLogIn(app);
    const old = await watching(a.accessToken);
    const refreshed = (await app.mutate('auth.refresh', { refreshToken: a.refreshToken })).body.result.data;
    const fresh = await watching(refreshed.accessToken);
    await expect(old.next(200)).rejects.toThrow(/no event/);
    old.close();
    expect((await app.mutate('auth.logout', undefined, bearer(refreshed.accessToken))).status).toBe(200);
    expect(await lastWord(fresh)).toEqual({ type: 'revoked', reason: 'signed_out' });
  });

  it('refuses to subscribe with a revoked token (TOKEN_REVOKED), a missing one, or garbage', async () => {
    const a = await signUpAndLogIn(app);
    await app.mutate('auth.logout', undefined, bearer(a.accessToken));
    for (const [headers, reason] of [
      [bearer(a.accessToken), 'TOKEN_REVOKED'],
      [{}, 'TOKEN_MISSING'],
      [bearer('not-a-token'), 'TOKEN_INVALID'],
    ] as const) {
      const stream = await subscribe(headers);
      const events = [await stream.next(), await stream.next()];
      const error = events.find((event) => event.event === 'serialized-error');
      expect(error?.data).toMatchObject({ data: { code: 'UNAUTHORIZED', reason } });
      await stream.ended;
    }
  });

  it('authenticates browsers by the access-token cookie, with CORS for the web origin', async () => {
    const a = await signUpAndLogIn(app);
    const stream = await subscribe({ cookie: `access_token=${a.accessToken}`, origin: WEB_ORIGIN });
    expect(stream.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    expect(stream.headers.get('access-control-allow-credentials')).toBe('true');
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect((await stream.next()).event).toBe('connected');
    expect((await stream.next()).data).toMatchObject({ type: 'watching' });
    stream.close();
  });

  it('ends with expired when the token it authenticated with expires', async () => {
    const { user } = await signUpAndLogIn(app);
    const shortLived = await shortLivedToken(app, {
      userId: user.id,
      expiresInMs: 1500,
      userAgent: 'expiring',
    });
    const stream = await watching(shortLived.token);
    expect(await lastWord(stream)).toEqual({ type: 'expired' });
  });

  it('closes open streams when the server closes, so close() does not wait for the clients', async () => {
    const own = await startTestAuthApp();
    const a = await signUpAndLogIn(own);
    const stream = await openSse(`${own.url}/trpc/auth.sessionEvents`, bearer(a.accessToken));
    await stream.next();
    expect((await stream.next()).data).toMatchObject({ type: 'watching' });
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(5000);
    const events = [];
    for (;;) {
      const event = await stream.next().catch(() => undefined);
      if (!event) break;
      events.push(event);
    }
    // A retryable code: a browser's EventSource reconnects to the next server.
    expect(events.find((event) => event.event === 'serialized-error')?.data).toMatchObject({
      data: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('forgets a watcher when its client goes away', async () => {
    const a = await signUpAndLogIn(app, newCredentials('leaver'));
    const hub = sessionRevocationHubOf(app.deps);
    const before = hub.size;
    const stream = await watching(a.accessToken);
    expect(hub.size).toBe(before + 1);
    stream.close();
    await expect.poll(() => hub.size, { interval: 5 }).toBe(before);
  });
});

describe('auth.sessionEvents caps (regression: 300 streams of one session were all accepted)', () => {
  const PER_SESSION = 2;
  const PER_USER = 3;
  let capped: TestAuthApp;
  beforeAll(async () => {
    capped = await startTestAuthApp({
      SESSION_EVENTS_MAX_PER_SESSION: String(PER_SESSION),
      SESSION_EVENTS_MAX_PER_USER: String(PER_USER),
    });
  });
  afterAll(() => capped?.close());

  const open = (token: string) => openSse(`${capped.url}/trpc/auth.sessionEvents`, bearer(token));
  const slots = () => sessionStreamsOf(capped.deps).slots;
  const sessionOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid;

  /** Opens a stream that must be armed. */
  async function armed(token: string): Promise<SseStream> {
    const stream = await open(token);
    expect((await stream.next()).event).toBe('connected');
    expect((await stream.next()).data).toMatchObject({ type: 'watching' });
    return stream;
  }

  /** Opens a stream that must be refused with 429 and end, without arming a watch. */
  async function refused(token: string, limit: 'session' | 'user') {
    const watchers = sessionRevocationHubOf(capped.deps).size;
    const stream = await open(token);
    const events = [];
    for (;;) {
      const event = await stream.next().catch(() => undefined);
      if (!event) break;
      events.push(event);
    }
    await stream.ended;
    expect(events.map((event) => event.event)).toEqual(['connected', 'serialized-error']);
    expect(events[1]!.data).toMatchObject({
      message: expect.stringContaining(`for this ${limit}`),
      data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 },
    });
    expect(JSON.stringify(events)).not.toMatch(/stack|\.ts:\d/);
    expect(sessionRevocationHubOf(capped.deps).size).toBe(watchers);
  }

  it('refuses the stream past the per-session cap with 429 before arming; closing one frees its slot', async () => {
    const a = await signUpAndLogIn(capped);
    const sid = sessionOf(a.accessToken);
    const streams = [await armed(a.accessToken), await armed(a.accessToken)];
    await refused(a.accessToken, 'session');
    await refused(a.accessToken, 'session');
    expect(slots().openForSession(sid)).toBe(PER_SESSION);
    streams.shift()!.close();
    await expect.poll(() => slots().openForSession(sid), { interval: 5 }).toBe(PER_SESSION - 1);
    streams.push(await armed(a.accessToken));
    await refused(a.accessToken, 'session');
    for (const stream of streams) stream.close();
    await expect.poll(() => slots().openForSession(sid), { interval: 5 }).toBe(0);
  });

  it('refuses past the per-user cap over all the sessions of the user, and a revocation still reaches every stream', async () => {
    const a = await signUpAndLogIn(capped);
    const b = await secondDevice(a.credentials, capped);
    const c = await secondDevice(a.credentials, capped);
    const streams = [await armed(a.accessToken), await armed(a.accessToken), await armed(b.accessToken)];
    await refused(b.accessToken, 'user');
    await refused(c.accessToken, 'user');
    // Another user is not affected.
    const other = await signUpAndLogIn(capped);
    const others = await armed(other.accessToken);
    expect((await capped.mutate('auth.logoutAll', undefined, bearer(c.accessToken))).status).toBe(200);
    for (const stream of streams) {
      expect(await lastWord(stream)).toEqual({ type: 'revoked', reason: 'logged_out_everywhere' });
    }
    await expect.poll(() => slots().openForUser(a.user.id), { interval: 5 }).toBe(0);
    await expect(others.next(200)).rejects.toThrow(/no event/);
    others.close();
  });

  it('gives the slot back however the stream ends: revoked, expired, or the server closing', async () => {
    const a = await signUpAndLogIn(capped);
    const sid = sessionOf(a.accessToken);
    const revokedStream = await armed(a.accessToken);
    expect((await capped.mutate('auth.logout', undefined, bearer(a.accessToken))).status).toBe(200);
    expect(await lastWord(revokedStream)).toEqual({ type: 'revoked', reason: 'signed_out' });
    await expect.poll(() => slots().openForSession(sid), { interval: 5 }).toBe(0);

    const { user } = await signUpAndLogIn(capped);
    const shortLived = await shortLivedToken(capped, {
      userId: user.id,
      expiresInMs: 1500,
      userAgent: 'expiring',
    });
    const expiring = [await armed(shortLived.token), await armed(shortLived.token)];
    for (const stream of expiring) expect(await lastWord(stream)).toEqual({ type: 'expired' });
    await expect.poll(() => slots().openForSession(shortLived.sessionId), { interval: 5 }).toBe(0);

    const own = await startTestAuthApp({ SESSION_EVENTS_MAX_PER_SESSION: '1' });
    const d = await signUpAndLogIn(own);
    const ownSlots = sessionStreamsOf(own.deps).slots;
    const stream = await openSse(`${own.url}/trpc/auth.sessionEvents`, bearer(d.accessToken));
    await stream.next();
    expect((await stream.next()).data).toMatchObject({ type: 'watching' });
    expect(ownSlots.openForUser(d.user.id)).toBe(1);
    await own.close();
    await stream.ended;
    expect(ownSlots.openForUser(d.user.id)).toBe(0);
  });
});
