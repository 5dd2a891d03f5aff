import { EventEmitter, on } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import { entryMatches, type RevocationEntry } from '../revocation/entry.ts';
import type { FeedApplied } from '../revocation/feed.ts';
import { type LiveFeed, LiveLimitError, LiveRevocations, liveRevocationsOf, watchToken } from './index.ts';
import { untilRevoked } from './until-revoked.ts';

/** A feed that says what the test tells it to: its cache holds `revoked`, `fresh` says whether to trust it. */
function fakeFeed() {
  const listeners = new Set<(applied: FeedApplied) => void>();
  const revoked: RevocationEntry[] = [];
  const feed = {
    fresh: true,
    revoked,
    listeners,
    cache: { isRevoked: (claims: AccessClaims) => revoked.some((entry) => entryMatches(entry, claims)) },
    onApplied(listener: (applied: FeedApplied) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isFresh: () => feed.fresh,
    checkDirect: vi.fn(async (_claims: AccessClaims): Promise<boolean> => false),
    /** Applies an entry to the cache and tells the listeners, as the feed does for an event. */
    revoke(entry: RevocationEntry) {
      revoked.push(entry);
      for (const listener of [...listeners]) listener({ type: 'entry', entry });
    },
    resynced() {
      for (const listener of [...listeners]) listener({ type: 'resynced' });
    },
  };
  return feed satisfies LiveFeed;
}

const NOW_SEC = 1_700_000_000;
const claims = (n: number, overrides: Partial<AccessClaims> = {}): AccessClaims => ({
  iss: 'i',
  aud: 'a',
  sub: `user-${n}`,
  sid: `session-${n}`,
  jti: `jti-${n}`,
  iat: NOW_SEC - 10,
  exp: NOW_SEC + 600,
  kid: 'key-1',
  ...overrides,
});
const codeOf = (watch: { error: AuthError | undefined }) => watch.error?.code;

beforeEach(() => {
  vi.useFakeTimers({ now: NOW_SEC * 1000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveRevocations', () => {
  it('listens to the feed once, and ends only the watches a revocation matches (jti, sid, sub not-before, kid)', () => {
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed });
    const watches = [1, 2, 3, 4, 5].map((n) => live.watch(claims(n, n === 4 ? { kid: 'key-4' } : {})));
    expect(feed.listeners.size).toBe(1);
    expect(live.size).toBe(5);

    feed.revoke({ kind: 'jti', id: 'jti-1', exp: NOW_SEC + 600 });
    feed.revoke({ kind: 'sid', id: 'session-2', exp: NOW_SEC + 600 });
    // Issued before the not-before: revoked. Issued after it: not.
    feed.revoke({ kind: 'sub', id: 'user-3', notBefore: NOW_SEC, exp: NOW_SEC + 600 });
    feed.revoke({ kind: 'sub', id: 'user-5', notBefore: NOW_SEC - 20, exp: NOW_SEC + 600 });
    feed.revoke({ kind: 'kid', id: 'key-4', exp: NOW_SEC + 600 });

    expect(watches.map(codeOf)).toEqual([
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
      undefined,
    ]);
    expect(watches.map((watch) => watch.signal.aborted)).toEqual([true, true, true, true, false]);
    expect(watches[0]!.signal.reason).toBeInstanceOf(AuthError);
    expect(live.size).toBe(1);
    expect(feed.listeners.size).toBe(1);
  });

  it('matches ids in their canonical spelling: an upper-case session UUID is the same session', () => {
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed });
    const sid = '0b7f6c1e-8a7d-4c4e-9f51-3d7b2a1c9e00';
    const watch = live.watch(claims(1, { sid: sid.toUpperCase() }));
    feed.revoke({ kind: 'sid', id: sid, exp: NOW_SEC + 600 });
    expect(codeOf(watch)).toBe('TOKEN_REVOKED');
  });

  it('after a resync, re-checks every watch against the now complete cache', () => {
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed });
    const [a, b] = [live.watch(claims(1)), live.watch(claims(2))];
    // Applied by a snapshot, without an event.
    feed.revoked.push({ kind: 'sid', id: 'session-2', exp: NOW_SEC + 600 });
    expect(codeOf(b)).toBeUndefined();
    feed.resynced();
    expect([codeOf(a), codeOf(b)]).toEqual([undefined, 'TOKEN_REVOKED']);
  });

  it('a token already revoked or expired when watched gives a watch that has already ended', () => {
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed });
    feed.revoked.push({ kind: 'jti', id: 'jti-1', exp: NOW_SEC + 600 });
    const revoked = live.watch(claims(1));
    const expired = live.watch(claims(2, { exp: NOW_SEC - 1 }));
    expect([codeOf(revoked), codeOf(expired)]).toEqual(['TOKEN_REVOKED', 'TOKEN_EXPIRED']);
    expect(revoked.signal.aborted && expired.signal.aborted).toBe(true);
    expect(live.size).toBe(0);
  });

  it('ends a watch with TOKEN_EXPIRED when its token expires', () => {
    const live = new LiveRevocations({ feed: fakeFeed() });
    const watch = live.watch(claims(1, { exp: NOW_SEC + 5 }));
    vi.advanceTimersByTime(4999);
    expect(watch.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(codeOf(watch)).toBe('TOKEN_EXPIRED');
    expect(live.size).toBe(0);
  });

  it('stops, without an error, when the connection’s own signal aborts; stop() is idempotent', () => {
    const live = new LiveRevocations({ feed: fakeFeed() });
    const connection = new AbortController();
    const watch = live.watch(claims(1), { signal: connection.signal });
    connection.abort(new Error('client went away'));
    expect(watch.signal.aborted).toBe(true);
    expect(watch.error).toBeUndefined();
    expect(live.size).toBe(0);
    watch.stop();
    watch.stop();
    expect(live.sizeOf('user-1')).toBe(0);
    const already = live.watch(claims(1), { signal: connection.signal });
    expect(already.signal.aborted).toBe(true);
    expect(live.size).toBe(0);
  });

  it('refuses a watch past the per-user budget (any spelling of the user id) and past the process budget', () => {
    const live = new LiveRevocations({ feed: fakeFeed(), maxPerUser: 2, maxWatches: 3 });
    const sub = '7d7c3a52-2b4c-4f0e-8a55-0f6a7b8c9d10';
    const first = live.watch(claims(1, { sub }));
    live.watch(claims(2, { sub: sub.toUpperCase() }));
    expect(live.sizeOf(sub)).toBe(2);
    expect(() => live.watch(claims(3, { sub }))).toThrow(LiveLimitError);
    try {
      live.watch(claims(3, { sub }));
    } catch (error) {
      expect(error).toMatchObject({ code: 'LIVE_LIMIT', scope: 'user', limit: 2 });
      expect((error as Error).message).toMatch(/at most 2/);
    }
    first.stop();
    live.watch(claims(4, { sub }));
    live.watch(claims(5));
    expect(live.size).toBe(3);
    expect(() => live.watch(claims(6))).toThrow(expect.objectContaining({ scope: 'process', limit: 3 }));
  });

  it('while the feed is stale, checks every watch against Redis: ends those revoked or unanswerable (fail closed)', async () => {
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed, staleCheckMs: 1000 });
    const [kept, revoked, unknown] = [live.watch(claims(1)), live.watch(claims(2)), live.watch(claims(3))];
    feed.checkDirect.mockImplementation(async (c: AccessClaims) => {
      if (c.jti === 'jti-3') throw new AuthError('REVOCATION_UNAVAILABLE');
      return c.jti === 'jti-2';
    });
    // Fresh: the cache's silence is trusted, Redis is not asked.
    await vi.advanceTimersByTimeAsync(1000);
    expect(feed.checkDirect).not.toHaveBeenCalled();

    feed.fresh = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(feed.checkDirect).toHaveBeenCalledTimes(3);
    expect([codeOf(kept), codeOf(revoked), codeOf(unknown)]).toEqual([
      undefined,
      'TOKEN_REVOKED',
      'REVOCATION_UNAVAILABLE',
    ]);
    expect(live.size).toBe(1);
  });

  it('close() ends every watch with REVOCATION_UNAVAILABLE and stops listening; later watches end at once', () => {
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed });
    const watch = live.watch(claims(1));
    live.close();
    expect(codeOf(watch)).toBe('REVOCATION_UNAVAILABLE');
    expect(feed.listeners.size).toBe(0);
    expect(codeOf(live.watch(claims(2)))).toBe('REVOCATION_UNAVAILABLE');
  });

  it('watchToken shares one registry (one feed listener, one budget) per feed', () => {
    const feed = fakeFeed();
    expect(liveRevocationsOf(feed)).toBe(liveRevocationsOf(feed));
    const a = watchToken(feed, claims(1));
    const b = watchToken(feed, claims(2));
    expect(feed.listeners.size).toBe(1);
    expect(liveRevocationsOf(feed).size).toBe(2);
    feed.revoke({ kind: 'jti', id: 'jti-2', exp: NOW_SEC + 600 });
    expect([codeOf(a), codeOf(b)]).toEqual([undefined, 'TOKEN_REVOKED']);
  });
});

describe('untilRevoked', () => {
  async function collect<T>(iterable: AsyncIterable<T>, seen: T[]): Promise<unknown> {
    try {
      for await (const value of iterable) seen.push(value);
      return 'done';
    } catch (error) {
      return error;
    }
  }

  it('passes values through, then throws the watch’s error (mapped by toError) when the token is revoked', async () => {
    vi.useRealTimers();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const feed = fakeFeed();
    const live = new LiveRevocations({ feed });
    const emitter = new EventEmitter();
    const watch = live.watch(claims(1, { exp }));
    const seen: unknown[] = [];
    const outcome = collect(
      untilRevoked(watch, on(emitter, 'change', { signal: watch.signal }), {
        toError: (error) => ({ mapped: error.code }),
      }),
      seen,
    );
    emitter.emit('change', 'a');
    emitter.emit('change', 'b');
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    feed.revoke({ kind: 'sid', id: 'session-1', exp: NOW_SEC + 600 });
    expect(await outcome).toEqual({ mapped: 'TOKEN_REVOKED' });
    expect(emitter.listenerCount('change')).toBe(0);
  });

  it('throws the AuthError itself by default, also from a source that never yields again', async () => {
    vi.useRealTimers();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const feed = fakeFeed();
    const watch = new LiveRevocations({ feed }).watch(claims(1, { exp }));
    const never: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
    };
    const outcome = collect(untilRevoked(watch, never), []);
    feed.revoke({ kind: 'jti', id: 'jti-1', exp: NOW_SEC + 600 });
    const error = await outcome;
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('ends quietly when the connection went away, and when the source is done', async () => {
    vi.useRealTimers();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const live = new LiveRevocations({ feed: fakeFeed() });
    const connection = new AbortController();
    const emitter = new EventEmitter();
    const watch = live.watch(claims(1, { exp }), { signal: connection.signal });
    const outcome = collect(untilRevoked(watch, on(emitter, 'change', { signal: watch.signal })), []);
    connection.abort();
    expect(await outcome).toBe('done');

    async function* two() {
      yield 1;
      yield 2;
    }
    const seen: number[] = [];
    expect(await collect(untilRevoked(live.watch(claims(2, { exp })), two()), seen)).toBe('done');
    expect(seen).toEqual([1, 2]);
  });
});
