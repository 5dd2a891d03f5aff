import { type AccessClaims, AuthError } from '@revoke/auth';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HubSignal } from './session-revocation-hub.ts';
import { watchSession } from './watch-session.ts';

const NOW = 1_800_000_000_000;
const claims: AccessClaims = {
  iss: 'http://auth',
  aud: 'revoke',
  sub: 'user-1',
  sid: 'session-1',
  jti: 'jti-1',
  iat: NOW / 1000,
  exp: NOW / 1000 + 60,
};

/** A hub that the test drives by hand. */
function fakeHub() {
  let notify: ((signal: HubSignal) => void) | undefined;
  const stop = vi.fn();
  return {
    hub: {
      watch(_claims: AccessClaims, listener: (signal: HubSignal) => void) {
        notify = listener;
        return { stop };
      },
    },
    send: (signal: HubSignal) => notify?.(signal),
    stop,
  };
}

function start(
  overrides: Partial<Parameters<typeof watchSession>[0]> & { hub: ReturnType<typeof fakeHub>['hub'] },
) {
  const controller = new AbortController();
  const watch = watchSession({
    claims,
    checkDirect: async () => false,
    isRevokedLocally: () => false,
    signal: controller.signal,
    now: () => Date.now(),
    ...overrides,
  });
  return { watch, controller };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchSession', () => {
  it('arms only after the channel is confirmed and Redis says the token is not revoked', async () => {
    const { hub, send } = fakeHub();
    const checkDirect = vi.fn(async () => false);
    const { watch } = start({ hub, checkDirect });
    let armed = false;
    void watch.armed.then(() => {
      armed = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(armed).toBe(false);
    expect(checkDirect).not.toHaveBeenCalled();
    send({ type: 'subscribed' });
    await vi.advanceTimersByTimeAsync(0);
    expect(checkDirect).toHaveBeenCalledWith(claims);
    expect(armed).toBe(true);
  });

  it('asks Redis in the same tick as the hub says `subscribed`, so a broadcast to every watcher is one batch', async () => {
    const hubs = Array.from({ length: 50 }, fakeHub);
    const checkDirect = vi.fn(async () => false);
    const watches = hubs.map(({ hub }) => start({ hub, checkDirect }).watch);
    for (const { send } of hubs) send({ type: 'subscribed' });
    // No await yet: a caller that batches until the next tick (session-streams.ts) sees all 50 together.
    expect(checkDirect).toHaveBeenCalledTimes(50);
    await Promise.all(watches.map((watch) => watch.armed));
  });

  it('ends as revoked when the token was revoked before the subscription was confirmed', async () => {
    const { hub, send, stop } = fakeHub();
    const { watch } = start({ hub, checkDirect: async () => true });
    send({ type: 'subscribed' });
    expect(await watch.outcome).toEqual({ type: 'revoked' });
    expect(stop).toHaveBeenCalled();
  });

  it('ends as revoked on a matching event', async () => {
    const { hub, send } = fakeHub();
    const { watch } = start({ hub });
    send({ type: 'subscribed' });
    await watch.armed;
    send({ type: 'revoked', entry: { kind: 'sid', id: 'session-1', exp: claims.exp + 60 } });
    expect(await watch.outcome).toEqual({ type: 'revoked' });
  });

  it('re-checks Redis after every re-subscription (events may have been lost meanwhile)', async () => {
    const { hub, send } = fakeHub();
    let revoked = false;
    const { watch } = start({ hub, checkDirect: async () => revoked });
    send({ type: 'subscribed' });
    await watch.armed;
    revoked = true;
    send({ type: 'subscribed' });
    expect(await watch.outcome).toEqual({ type: 'revoked' });
  });

  it('fails as unavailable when Redis cannot answer before it is armed, and ignores that once armed', async () => {
    const first = fakeHub();
    const unavailable = new AuthError('REVOCATION_UNAVAILABLE');
    const failing = start({
      hub: first.hub,
      checkDirect: async () => {
        throw unavailable;
      },
    });
    first.send({ type: 'subscribed' });
    expect(await failing.watch.outcome).toEqual({ type: 'unavailable', error: unavailable });

    const second = fakeHub();
    let calls = 0;
    const later = start({
      hub: second.hub,
      checkDirect: async () => {
        calls += 1;
        if (calls > 1) throw unavailable;
        return false;
      },
    });
    second.send({ type: 'subscribed' });
    await later.watch.armed;
    second.send({ type: 'subscribed' });
    await vi.advanceTimersByTimeAsync(0);
    later.controller.abort();
    expect(await later.watch.outcome).toEqual({ type: 'aborted' });
  });

  it('polls the local revocation cache as a backstop', async () => {
    const { hub, send } = fakeHub();
    let locally = false;
    const { watch } = start({ hub, isRevokedLocally: () => locally, pollMs: 1000 });
    send({ type: 'subscribed' });
    await watch.armed;
    locally = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(await watch.outcome).toEqual({ type: 'revoked' });
  });

  it('ends as expired when the token expires, as aborted when the client leaves, as closed on shutdown', async () => {
    const expiring = fakeHub();
    const a = start({ hub: expiring.hub });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await a.watch.outcome).toEqual({ type: 'expired' });

    const leaving = fakeHub();
    const b = start({ hub: leaving.hub });
    b.controller.abort();
    expect(await b.watch.outcome).toEqual({ type: 'aborted' });
    expect(leaving.stop).toHaveBeenCalled();

    const closing = fakeHub();
    const c = start({ hub: closing.hub });
    closing.send({ type: 'closed' });
    expect(await c.watch.outcome).toEqual({ type: 'closed' });
  });
});
