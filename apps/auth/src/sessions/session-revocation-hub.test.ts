import type { AccessClaims } from '@revoke/auth';
import type { FeedApplied } from '@revoke/auth/internal';
import { describe, expect, it } from 'vitest';
import { type HubSignal, SessionRevocationHub } from './session-revocation-hub.ts';

/** A feed that says what the test tells it to. */
function fakeFeed() {
  const listeners = new Set<(applied: FeedApplied) => void>();
  const feed = {
    synced: false,
    onApplied(listener: (applied: FeedApplied) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status: () => ({ ready: true, synced: feed.synced, stalenessMs: 0, epoch: 'e', entries: 0 }),
    apply: (applied: FeedApplied) => {
      for (const listener of listeners) listener(applied);
    },
    listeners,
  };
  return feed;
}

const claims = (n: number): AccessClaims => ({
  iss: 'i',
  aud: 'a',
  sub: `user-${n}`,
  sid: `session-${n}`,
  jti: `jti-${n}`,
  iat: 1000,
  exp: 5000,
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SessionRevocationHub over the revocation feed', () => {
  it('tells the matching watchers only, by jti, sid, or a user not-before later than the token', () => {
    const feed = fakeFeed();
    const hub = new SessionRevocationHub({ feed });
    const heard = [1, 2, 3].map((n) => {
      const signals: HubSignal[] = [];
      hub.watch(claims(n), (signal) => signals.push(signal));
      return signals;
    });
    feed.apply({ type: 'entry', entry: { kind: 'jti', id: 'jti-1', exp: 5000 } });
    feed.apply({ type: 'entry', entry: { kind: 'sub', id: 'user-2', notBefore: 900, exp: 5000 } });
    feed.apply({ type: 'entry', entry: { kind: 'sub', id: 'user-3', notBefore: 1001, exp: 5000 } });
    expect(heard.map((signals) => signals.map((signal) => signal.type))).toEqual([
      ['revoked'],
      [],
      ['revoked'],
    ]);
  });

  it('a completed resync asks every watcher to re-check; a new watcher hears it at once once synced', async () => {
    const feed = fakeFeed();
    const hub = new SessionRevocationHub({ feed });
    const early: HubSignal[] = [];
    hub.watch(claims(1), (signal) => early.push(signal));
    await tick();
    expect(early).toEqual([]);
    expect(hub.subscribed).toBe(false);
    feed.synced = true;
    feed.apply({ type: 'resynced' });
    expect(early).toEqual([{ type: 'subscribed' }]);
    const late: HubSignal[] = [];
    hub.watch(claims(2), (signal) => late.push(signal));
    await tick();
    expect(late).toEqual([{ type: 'subscribed' }]);
    expect(hub.subscribed).toBe(true);
  });

  it('a stopped watcher hears nothing; close tells the rest `closed` and stops listening to the feed', async () => {
    const feed = fakeFeed();
    const hub = new SessionRevocationHub({ feed });
    const stopped: HubSignal[] = [];
    const open: HubSignal[] = [];
    hub.watch(claims(1), (signal) => stopped.push(signal)).stop();
    hub.watch(claims(2), (signal) => open.push(signal));
    expect(hub.size).toBe(1);
    feed.apply({ type: 'entry', entry: { kind: 'sid', id: 'session-1', exp: 5000 } });
    hub.close();
    expect(open).toEqual([{ type: 'closed' }]);
    expect(stopped).toEqual([]);
    expect(feed.listeners.size).toBe(0);
    const after: HubSignal[] = [];
    hub.watch(claims(3), (signal) => after.push(signal));
    await tick();
    expect(after).toEqual([{ type: 'closed' }]);
  });
});
