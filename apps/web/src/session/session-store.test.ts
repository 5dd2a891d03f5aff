import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CrossTab, SessionHint, TabMessage } from './cross-tab.ts';
import { type SessionApi, type SessionState, SessionStore } from './session-store.ts';

const USER = { id: 'u1', email: 'me@example.com' };
const LIFETIME_MS = 30_000;

/** The tabs of one browser: shared storage, a broadcast channel, and a real mutex for the lock. */
function fakeBrowser() {
  let stored: SessionHint | null = null;
  let lock: Promise<unknown> = Promise.resolve();
  const tabs = new Set<(message: TabMessage) => void>();
  return {
    get stored() {
      return stored;
    },
    tab(): CrossTab {
      let listener: ((message: TabMessage) => void) | undefined;
      const deliver = (message: TabMessage) => listener?.(message);
      tabs.add(deliver);
      return {
        readHint: () => stored,
        writeHint: (hint) => {
          stored = hint;
        },
        // Like BroadcastChannel: every other tab, asynchronously.
        post: (message) => {
          for (const other of tabs) if (other !== deliver) setTimeout(() => other(message), 0);
        },
        onMessage(next) {
          listener = next;
          return () => {
            listener = undefined;
          };
        },
        withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
          const run = lock.then(task, task);
          lock = run.catch(() => {});
          return run;
        },
      };
    },
  };
}

/** The auth app as the store sees it, with one live refresh token; counts refreshes. */
function fakeAuth(options: { refreshLatencyMs?: number } = {}) {
  const calls = { refresh: 0, logout: 0, me: 0 };
  let failRefresh: unknown;
  let meError: unknown;
  const pair = () => ({ user: USER, expiresAt: new Date(Date.now() + LIFETIME_MS).toISOString() });
  const api: SessionApi = {
    async me() {
      calls.me += 1;
      if (meError) throw meError;
      return USER;
    },
    async refresh() {
      calls.refresh += 1;
      await new Promise((resolve) => setTimeout(resolve, options.refreshLatencyMs ?? 50));
      if (failRefresh) throw failRefresh;
      return pair();
    },
    async logout() {
      calls.logout += 1;
    },
  };
  return {
    api,
    calls,
    pair,
    failRefreshWith(error: unknown) {
      failRefresh = error;
    },
    failMeWith(error: unknown) {
      meError = error;
    },
  };
}

const unauthorized = (reason: string) =>
  Object.assign(new Error(reason), { data: { code: 'UNAUTHORIZED', reason } });
const networkDown = () => new TypeError('Failed to fetch');

function signedIn(state: SessionState) {
  if (state.status !== 'signed-in') throw new Error(`expected signed-in, got ${JSON.stringify(state)}`);
  return state;
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-12T12:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Two tabs of one browser, each with its store, on one fake auth app. */
function twoTabs(options: { refreshAt?: number; refreshLatencyMs?: number } = {}) {
  const browser = fakeBrowser();
  const auth = fakeAuth(options);
  const store = () =>
    new SessionStore({ api: auth.api, tabs: browser.tab(), refreshAt: options.refreshAt ?? 0.5 });
  return { browser, auth, a: store(), b: store() };
}

describe('SessionStore', () => {
  it('replaceTokens: a password change under the lock; a refresh asked for meanwhile adopts it, calling nothing', async () => {
    const { auth, a, b } = twoTabs();
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(1);
    const before = signedIn(a.getState());
    await vi.advanceTimersByTimeAsync(1000);
    const changing = a.replaceTokens(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { ...auth.pair(), endedSessions: 2 };
    });
    // The old token's stream ends with `expired` while the change is under way: that refresh waits.
    const refreshing = a.refresh();
    await vi.advanceTimersByTimeAsync(300);
    expect((await changing).endedSessions).toBe(2);
    expect(await refreshing).toBe(true);
    expect(auth.calls.refresh).toBe(0);
    const after = signedIn(a.getState());
    expect(after.expiresAt).toBeGreaterThan(before.expiresAt);
    expect(after.generation).toBe(before.generation + 1);
    expect(signedIn(b.getState()).expiresAt).toBe(after.expiresAt);
  });

  it('replaceTokens: an expired access token is refreshed first, then the call repeated once', async () => {
    const { auth, a } = twoTabs();
    a.signedIn(auth.pair());
    // Long enough after the sign-in that a refresh is not skipped as just done.
    await vi.advanceTimersByTimeAsync(5000);
    let calls = 0;
    const changing = a.replaceTokens(async () => {
      calls += 1;
      if (calls === 1) throw unauthorized('TOKEN_EXPIRED');
      return auth.pair();
    });
    await vi.advanceTimersByTimeAsync(100);
    await changing;
    expect(calls).toBe(2);
    expect(auth.calls.refresh).toBe(1);
    // A wrong current password (no token reason) is not repeated.
    await expect(
      a.replaceTokens(async () => {
        throw Object.assign(new Error('The current password is incorrect'), {
          data: { code: 'UNAUTHORIZED' },
        });
      }),
    ).rejects.toThrow(/incorrect/);
    expect(signedIn(a.getState()).user).toEqual(USER);
  });

  it('starts signed in from the cookie and a fresh hint, without refreshing', async () => {
    const browser = fakeBrowser();
    const auth = fakeAuth();
    const tab = browser.tab();
    tab.writeHint({ user: USER, expiresAt: Date.now() + 20_000, receivedAt: Date.now() - 10_000 });
    const store = new SessionStore({ api: auth.api, tabs: tab, refreshAt: 0.5 });
    await store.start();
    expect(signedIn(store.getState()).user).toEqual(USER);
    expect(auth.calls.refresh).toBe(0);
  });

  it('refreshes at start when the access cookie is gone, and is signed out when that fails', async () => {
    const auth = fakeAuth();
    auth.failMeWith(unauthorized('TOKEN_MISSING'));
    const store = new SessionStore({ api: auth.api, tabs: fakeBrowser().tab(), refreshAt: 0.5 });
    const started = store.start();
    await vi.advanceTimersByTimeAsync(100);
    await started;
    expect(signedIn(store.getState()).generation).toBe(1);

    const gone = fakeAuth();
    gone.failMeWith(unauthorized('TOKEN_MISSING'));
    gone.failRefreshWith(unauthorized('TOKEN_MISSING'));
    const out = new SessionStore({ api: gone.api, tabs: fakeBrowser().tab(), refreshAt: 0.5 });
    const ending = out.start();
    await vi.advanceTimersByTimeAsync(100);
    await ending;
    expect(out.getState()).toEqual({ status: 'signed-out', reason: null });
  });

  it('two tabs refresh once between them: one refreshes under the lock, the other adopts its result', async () => {
    const { auth, a, b } = twoTabs({ refreshAt: 0.5, refreshLatencyMs: 200 });
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(1);
    const first = signedIn(b.getState()).expiresAt;
    expect(signedIn(a.getState()).expiresAt).toBe(first);

    // Both tabs are due at 50% of the lifetime; run three lifetimes.
    for (let round = 1; round <= 3; round += 1) {
      await vi.advanceTimersByTimeAsync(LIFETIME_MS / 2 + 500);
      expect(auth.calls.refresh).toBe(round);
      expect(signedIn(a.getState()).expiresAt).toBe(signedIn(b.getState()).expiresAt);
    }
    expect(signedIn(b.getState()).expiresAt).toBeGreaterThan(first);
    expect(signedIn(a.getState()).generation).toBe(4);
  });

  it('a refresh forced by a 401 in one tab, while another waits for the lock, still refreshes once', async () => {
    const { auth, a, b } = twoTabs({ refreshAt: 0.9, refreshLatencyMs: 200 });
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(4000);
    const results = Promise.all([a.refresh(), b.refresh(), a.refresh()]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await results).toEqual([true, true, true]);
    expect(auth.calls.refresh).toBe(1);
  });

  it('does not refresh again for a 401 that raced a refresh another tab just made', async () => {
    const { auth, a, b } = twoTabs({ refreshAt: 0.5 });
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(4000);
    const refreshed = a.refresh();
    await vi.advanceTimersByTimeAsync(100);
    expect(await refreshed).toBe(true);
    // B adopted the new token; a call it had sent with the old cookie now comes back expired.
    const again = b.refresh();
    await vi.advanceTimersByTimeAsync(100);
    expect(await again).toBe(true);
    expect(auth.calls.refresh).toBe(1);
    // Later on, a 401 means what it says.
    await vi.advanceTimersByTimeAsync(5000);
    const later = b.refresh();
    await vi.advanceTimersByTimeAsync(100);
    expect(await later).toBe(true);
    expect(auth.calls.refresh).toBe(2);
  });

  it('signs out when revoked, says why in every tab, and clears the cookies once', async () => {
    const { browser, auth, a, b } = twoTabs({ refreshAt: 0.5 });
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(1);
    const onSignedOut = vi.fn();
    const c = new SessionStore({ api: auth.api, tabs: browser.tab(), refreshAt: 0.5, onSignedOut });
    c.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(1);

    a.revoked('logged_out_everywhere');
    await vi.advanceTimersByTimeAsync(1);
    for (const store of [a, b, c]) {
      expect(store.getState()).toEqual({ status: 'signed-out', reason: 'logged_out_everywhere' });
    }
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(auth.calls.logout).toBe(1);
    expect(browser.stored).toBeNull();
  });

  it('keeps its own wording when the live stream echoes a sign-out this page started', async () => {
    const auth = fakeAuth();
    const store = new SessionStore({ api: auth.api, tabs: fakeBrowser().tab(), refreshAt: 0.5 });
    store.signedIn(auth.pair());
    store.leaving('logged_out_everywhere_here');
    store.revoked('logged_out_everywhere');
    expect(store.getState()).toEqual({ status: 'signed-out', reason: 'logged_out_everywhere_here' });
    expect(auth.calls.logout).toBe(0);
  });

  it('signs out when the refresh token is refused, but keeps the session while the server is unreachable', async () => {
    const auth = fakeAuth();
    const store = new SessionStore({ api: auth.api, tabs: fakeBrowser().tab(), refreshAt: 0.5 });
    store.signedIn(auth.pair());
    auth.failRefreshWith(networkDown());
    await vi.advanceTimersByTimeAsync(LIFETIME_MS / 2 + 100);
    expect(store.getState().status).toBe('signed-in');
    expect(auth.calls.refresh).toBe(1);
    // Retried with back-off.
    await vi.advanceTimersByTimeAsync(2100);
    expect(auth.calls.refresh).toBe(2);

    auth.failRefreshWith(unauthorized('TOKEN_REVOKED'));
    await vi.advanceTimersByTimeAsync(4100);
    expect(store.getState()).toEqual({ status: 'signed-out', reason: 'session_expired' });
  });

  it("is not signed back in by another tab's refresh that crossed its sign-out, and refreshes when overdue", async () => {
    const { browser, auth, a, b } = twoTabs({ refreshAt: 0.5 });
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(1);
    // A refresh in tab A is on its way to B when B learns it was revoked.
    browser.tab().post({
      type: 'session',
      hint: { user: USER, expiresAt: Date.now() + LIFETIME_MS, receivedAt: Date.now() },
      cause: 'refresh',
    });
    b.revoked('device_revoked');
    await vi.advanceTimersByTimeAsync(1);
    expect(b.getState()).toEqual({ status: 'signed-out', reason: 'device_revoked' });

    const c = new SessionStore({ api: auth.api, tabs: fakeBrowser().tab(), refreshAt: 0.5 });
    c.signedIn(auth.pair());
    c.refreshIfDue();
    expect(auth.calls.refresh).toBe(0);
    // A throttled timer: the clock moves past the due time without the timer firing.
    vi.setSystemTime(Date.now() + LIFETIME_MS * 0.6);
    c.refreshIfDue();
    await vi.advanceTimersByTimeAsync(100);
    expect(auth.calls.refresh).toBe(1);
  });

  it('adopts a sign-in and refreshes from other tabs', async () => {
    const { auth, a, b } = twoTabs({ refreshAt: 0.5 });
    auth.failMeWith(unauthorized('TOKEN_MISSING'));
    auth.failRefreshWith(unauthorized('TOKEN_MISSING'));
    const started = b.start();
    await vi.advanceTimersByTimeAsync(100);
    await started;
    expect(b.getState().status).toBe('signed-out');
    a.signedIn(auth.pair());
    await vi.advanceTimersByTimeAsync(1);
    expect(signedIn(b.getState()).user).toEqual(USER);
  });
});
