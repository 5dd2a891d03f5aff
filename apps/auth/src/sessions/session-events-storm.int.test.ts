import { openSse, type SseStream } from '@revoke/testkit/sse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MonitoredRedis, startMonitoredRedis } from '../testing/monitored-redis.ts';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';
import { sessionRevocationHubOf } from './session-revocations.ts';

/** The batches' pace (MIN_READ_INTERVAL_MS in session-streams.ts): at most one read per this many ms. */
const READ_INTERVAL_MS = 20;
const STREAMS = 100;

let redis: MonitoredRedis;
let app: TestAuthApp;
beforeAll(async () => {
  redis = await startMonitoredRedis();
  app = await startTestAuthApp({
    REDIS_URL: redis.url,
    SESSION_EVENTS_MAX_PER_SESSION: String(STREAMS),
    SESSION_EVENTS_MAX_PER_USER: String(STREAMS),
  });
});
afterAll(async () => {
  await app?.close();
  await redis?.stop();
});

// Regression: each open stream asked Redis on its own when armed and again after every hub reconnect,
// so N streams were N round trips at the same instant.
describe('auth.sessionEvents reconnect storm (HTTP)', () => {
  it(`${STREAMS} streams of one session: arming is paced, a hub reconnect costs one MGET, a logout still reaches all`, async () => {
    const open: SseStream[] = [];
    try {
      const a = await signUpAndLogIn(app);
      const claims = await app.deps.guard.authenticate(a.accessToken);
      // Every direct check of this session's tokens, batched or not, reads this key.
      const sidKey = `${app.deps.env.REVOCATION_PREFIX}sid:${claims.sid}`;
      const url = `${app.url}/trpc/auth.sessionEvents`;
      const started = performance.now();
      const streams = await Promise.all(
        Array.from({ length: STREAMS }, async () => {
          const stream = await openSse(url, { authorization: `Bearer ${a.accessToken}` });
          open.push(stream);
          expect((await stream.next()).event).toBe('connected');
          expect((await stream.next()).data).toMatchObject({ type: 'watching' });
          return stream;
        }),
      );
      const elapsed = performance.now() - started;
      // MONITOR reports asynchronously: let the last arming reads arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const arming = redis.readsOf(sidKey);
      console.log(
        `sessionEvents: ${STREAMS} streams armed in ${elapsed.toFixed(0)} ms with ${arming} MGET(s)`,
      );
      // Streams trickle in over HTTP: reads are paced by time, not by the number of streams.
      // Soft: a failure here still lets the reconnect below be measured and reported.
      expect.soft(arming).toBeLessThanOrEqual(Math.ceil(elapsed / READ_INTERVAL_MS) + 2);

      const before = redis.readsOf(sidKey);
      await redis.dropSubscribers();
      const rechecks = await redis.readsAfter(sidKey, before);
      console.log(`sessionEvents: a hub reconnect with ${STREAMS} open streams cost ${rechecks} MGET(s)`);
      expect(rechecks).toBeLessThanOrEqual(2);
      await vi.waitFor(() => expect(sessionRevocationHubOf(app.deps).subscribed).toBe(true));

      const logout = await app.mutate('auth.logout', undefined, { authorization: `Bearer ${a.accessToken}` });
      expect(logout.status).toBe(200);
      for (const stream of streams) {
        expect((await stream.next()).data).toEqual({ type: 'revoked', reason: 'signed_out' });
      }
    } finally {
      for (const stream of open) stream.close();
    }
  });
});
