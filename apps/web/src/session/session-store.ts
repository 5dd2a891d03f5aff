import { authReason } from '../api/errors.ts';
import type { CrossTab, SessionHint } from './cross-tab.ts';
import { refreshDelayMs, retryDelayMs } from './refresh-schedule.ts';
import type { SignOutReason } from './sign-out-reasons.ts';

export interface SessionUser {
  id: string;
  email: string;
}

/** What the page shows. `generation` grows with every new access token (the live stream resubscribes). */
export type SessionState =
  | { status: 'starting' }
  | { status: 'signed-out'; reason: SignOutReason | null }
  | { status: 'signed-in'; user: SessionUser; expiresAt: number; generation: number };

/** The auth calls the store makes (the typed tRPC client in the app, fakes in tests). */
export interface SessionApi {
  me(): Promise<SessionUser>;
  refresh(): Promise<{ expiresAt: string; user: SessionUser }>;
  logout(): Promise<unknown>;
}

/** A refresh this recent is not repeated: a 401 or an expired stream from just before it is stale. */
const RECENT_REFRESH_MS = 3000;

type RefreshResult = { outcome: 'ok'; hint: SessionHint } | { outcome: 'signed-out' } | { outcome: 'retry' };

export interface SessionStoreOptions {
  api: SessionApi;
  tabs: CrossTab;
  /** Fraction of the access token's lifetime after which it is refreshed. */
  refreshAt: number;
  now?: () => number;
  /** Called on every sign-out (the app clears its query cache). */
  onSignedOut?: () => void;
}

/**
 * The page's sign-in state. Tokens never pass through here: the browser holds them in HttpOnly
 * cookies; the store only knows who is signed in and when the access token expires.
 *
 * Refresh is silent and browser-wide: it runs at `refreshAt` of the token's lifetime, under a Web
 * Lock, and a tab that waited for the lock first reads the hint another tab left, so two tabs never
 * present the same refresh token twice (which the auth app would take for theft). Sign-in, refresh
 * and sign-out are broadcast to the other tabs.
 */
export class SessionStore {
  readonly #api: SessionApi;
  readonly #tabs: CrossTab;
  readonly #refreshAt: number;
  readonly #now: () => number;
  readonly #onSignedOut: (() => void) | undefined;
  readonly #listeners = new Set<() => void>();
  #state: SessionState = { status: 'starting' };
  #hint: SessionHint | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the scheduled refresh is due (epoch ms). */
  #dueAt = Number.POSITIVE_INFINITY;
  #refreshing: Promise<boolean> | null = null;
  #failures = 0;
  /** Set while this page itself is signing out, so its own live stream's event keeps this page's wording. */
  #leaving: SignOutReason | null = null;
  readonly #unlisten: () => void;

  constructor(options: SessionStoreOptions) {
    this.#api = options.api;
    this.#tabs = options.tabs;
    this.#refreshAt = options.refreshAt;
    this.#now = options.now ?? Date.now;
    this.#onSignedOut = options.onSignedOut;
    this.#unlisten = this.#tabs.onMessage((message) => {
      if (message.type === 'signed-out') this.#signOutLocally(message.reason);
      // A refresh that crossed this tab's sign-out must not sign it back in; a new login does.
      else if (message.cause === 'login' || this.#state.status !== 'signed-out') this.#adopt(message.hint);
    });
  }

  getState = (): SessionState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Finds out whether the cookies hold a session: `auth.me`, refreshing first if the access token is gone. */
  async start(): Promise<void> {
    let user: SessionUser;
    try {
      user = await this.#api.me();
    } catch (error) {
      const reason = authReason(error);
      if (reason === 'TOKEN_REVOKED') {
        void this.#api.logout().catch(() => {});
        return this.#signOutLocally('revoked');
      }
      // No access token (expired cookie) or an expired one: the refresh cookie may still be good.
      if (!(await this.refresh({ quiet: true }))) this.#signOutLocally(null);
      return;
    }
    const hint = this.#tabs.readHint();
    if (hint && hint.user.id === user.id && hint.expiresAt > this.#now()) this.#adopt(hint);
    else if (!(await this.refresh({ quiet: true }))) this.#signOutLocally(null);
  }

  /** After `auth.login`: this tab and the others are signed in. */
  signedIn(pair: { expiresAt: string; user: SessionUser }): void {
    const hint = this.#hintOf(pair);
    this.#tabs.writeHint(hint);
    this.#tabs.post({ type: 'session', hint, cause: 'login' });
    this.#leaving = null;
    this.#adopt(hint);
  }

  /**
   * Runs a call that replaces this session's tokens in place (`auth.changePassword`), under the
   * browser-wide refresh lock so that no tab presents the old refresh token meanwhile, and adopts its
   * answer as a refresh's. The old access token's live stream then ends with `expired`, and the
   * refresh that asks for finds this answer instead of calling the server. An access token that
   * expired first is refreshed, and the call made once more.
   */
  async replaceTokens<T extends { expiresAt: string; user: SessionUser }>(
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await this.#replaceOnce(call);
    } catch (error) {
      const reason = authReason(error);
      if ((reason !== 'TOKEN_EXPIRED' && reason !== 'TOKEN_MISSING') || !(await this.refresh())) throw error;
      return this.#replaceOnce(call);
    }
  }

  async #replaceOnce<T extends { expiresAt: string; user: SessionUser }>(call: () => Promise<T>): Promise<T> {
    const { answer, hint } = await this.#tabs.withRefreshLock(async () => {
      const answer = await call();
      const hint = this.#hintOf(answer);
      this.#tabs.writeHint(hint);
      this.#tabs.post({ type: 'session', hint, cause: 'refresh' });
      return { answer, hint };
    });
    this.#failures = 0;
    this.#adopt(hint);
    return answer;
  }

  /**
   * Refreshes the access token (once per browser at a time). True when a valid token exists
   * afterwards, from this tab or another. `quiet`: a failure just means "not signed in" (start-up).
   */
  refresh(options: { quiet?: boolean } = {}): Promise<boolean> {
    this.#refreshing ??= this.#refreshOnce(options.quiet === true).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /**
   * Refreshes now if the scheduled refresh is overdue: browsers throttle timers in hidden tabs and
   * stop them while a laptop sleeps, so the page calls this when it becomes visible again.
   */
  refreshIfDue(): void {
    if (this.#state.status === 'signed-in' && this.#now() >= this.#dueAt) void this.refresh();
  }

  /** The live stream said the session was revoked. */
  revoked(reason: SignOutReason): void {
    if (this.#state.status !== 'signed-in') return;
    const own = this.#leaving;
    this.#signOut(own ?? reason);
    // Clears the now useless cookies (logging out a revoked token is allowed); best effort.
    if (!own) void this.#api.logout().catch(() => {});
  }

  /** Marks a sign-out this page started, so the live stream's echo of it keeps this page's wording. */
  leaving(reason: SignOutReason | null): void {
    this.#leaving = reason;
  }

  /** Signs this page (and the browser's other tabs) out, with `reason` shown. */
  signedOut(reason: SignOutReason): void {
    this.#signOut(reason);
  }

  /** Stops timers and listeners. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#unlisten();
  }

  async #refreshOnce(quiet: boolean): Promise<boolean> {
    const before = this.#hint?.expiresAt ?? 0;
    const result = await this.#tabs.withRefreshLock(async (): Promise<RefreshResult> => {
      // Another tab may have refreshed while this one waited for the lock, or just before a call
      // that was sent with the old cookie came back expired: its result is in the hint.
      const shared = this.#tabs.readHint();
      const now = this.#now();
      if (
        shared &&
        this.#hint &&
        shared.user.id === this.#hint.user.id &&
        shared.expiresAt > now &&
        (shared.expiresAt > before || now - shared.receivedAt < RECENT_REFRESH_MS)
      ) {
        return { outcome: 'ok', hint: shared };
      }
      try {
        const hint = this.#hintOf(await this.#api.refresh());
        this.#tabs.writeHint(hint);
        this.#tabs.post({ type: 'session', hint, cause: 'refresh' });
        return { outcome: 'ok', hint };
      } catch (error) {
        if (!authReason(error)) return { outcome: 'retry' };
        this.#tabs.writeHint(null);
        return { outcome: 'signed-out' };
      }
    });
    if (result.outcome === 'ok') {
      this.#failures = 0;
      this.#adopt(result.hint);
      return true;
    }
    if (result.outcome === 'signed-out') {
      if (!quiet && this.#state.status === 'signed-in') this.#signOut('session_expired');
      return false;
    }
    // Unreachable or unavailable: keep the session and try again soon.
    this.#failures += 1;
    if (this.#state.status === 'signed-in') this.#schedule(retryDelayMs(this.#failures));
    return false;
  }

  #hintOf(pair: { expiresAt: string; user: SessionUser }): SessionHint {
    return { user: pair.user, expiresAt: Date.parse(pair.expiresAt), receivedAt: this.#now() };
  }

  #adopt(hint: SessionHint): void {
    const current = this.#state;
    if (current.status === 'signed-in' && current.user.id === hint.user.id && this.#hint) {
      if (hint.expiresAt <= this.#hint.expiresAt) return;
    }
    this.#hint = hint;
    const generation = current.status === 'signed-in' ? current.generation + 1 : 1;
    this.#set({ status: 'signed-in', user: hint.user, expiresAt: hint.expiresAt, generation });
    this.#schedule(refreshDelayMs({ ...hint, refreshAt: this.#refreshAt, now: this.#now() }));
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#dueAt = this.#now() + delayMs;
    this.#timer = setTimeout(() => void this.refresh(), delayMs);
  }

  #signOut(reason: SignOutReason): void {
    this.#tabs.writeHint(null);
    this.#tabs.post({ type: 'signed-out', reason });
    this.#signOutLocally(reason);
  }

  #signOutLocally(reason: SignOutReason | null): void {
    clearTimeout(this.#timer);
    this.#dueAt = Number.POSITIVE_INFINITY;
    this.#hint = null;
    const wasSignedOut = this.#state.status === 'signed-out';
    // A tab that is already signed out keeps the reason it shows.
    if (wasSignedOut && reason === null) return;
    this.#set({ status: 'signed-out', reason });
    if (!wasSignedOut) this.#onSignedOut?.();
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}
