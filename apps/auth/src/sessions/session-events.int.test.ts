import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  newCredentials,
  signUpAndLogIn,
  startTestAuthApp,
  type TestAuthApp,
} from '../testing/test-app.ts';
import { createAccessTokenIssuer } from '../tokens/access-tokens.ts';
import { sessionRevocationHubOf } from './session-revocations.ts';
import { startSession } from './session-store.ts';

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
async function secondDevice(credentials: { email: string; password: string }) {
  const login = await app.mutate('auth.login', credentials);
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
    const ttl = app.deps.env.ACCESS_TOKEN_TTL_SEC;
    const issuer = createAccessTokenIssuer({
      keys: app.deps.keys,
      issuer: app.deps.env.ISSUER,
      audience: app.deps.env.TOKEN_AUDIENCE,
      ttlSec: ttl,
      now: () => Date.now() - ttl * 1000 + 1500,
    });
    const { sessionId } = await startSession(app.deps.db, {
      userId: user.id,
      userAgent: 'expiring',
      ip: undefined,
      refreshTtlSec: 60,
    });
    const shortLived = await issuer.issue({ sub: user.id, sid: sessionId });
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
    await eventually(async () => hub.size === before);
  });
});

/** One server-sent event as tRPC sends it: `message` (data), `connected`, `serialized-error`, `return`. */
interface SseEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  data: any;
}

/** An open SSE response read event by event (Node 20 has no EventSource). For tests. */
interface SseStream {
  status: number;
  headers: Headers;
  /** The next event; rejects after `timeoutMs` or when the stream ended. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Resolves once the server ended the response. */
  ended: Promise<void>;
  close(): void;
}

/** GETs `url` as an event stream and parses it. */
async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const queue: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let finished = false;
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length === 0 && event === 'message') continue;
          const text = data.join('\n');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          queue.push({ event, data: parsed });
          wake();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      finished = true;
      wake();
    }
  })();

  return {
    status: response.status,
    headers: response.headers,
    ended,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const event = queue.shift();
        if (event) return event;
        if (finished) throw new Error('the stream ended');
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    close: () => controller.abort(),
  };
}
