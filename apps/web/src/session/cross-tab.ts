import type { SignOutReason } from './sign-out-reasons.ts';

/** Who is signed in and until when the current access token lives. Never a token: those stay in HttpOnly cookies. */
export interface SessionHint {
  user: { id: string; email: string };
  /** Epoch ms the access token expires (server's clock, from the login/refresh answer). */
  expiresAt: number;
  /** Epoch ms the pair arrived (this browser's clock): with `expiresAt`, the token's lifetime. */
  receivedAt: number;
}

/** What one tab tells the others of the same browser. */
export type TabMessage =
  /** `login`: a new sign-in (signed-out tabs follow it); `refresh`: a new token for the same session. */
  | { type: 'session'; hint: SessionHint; cause: 'login' | 'refresh' }
  | { type: 'signed-out'; reason: SignOutReason | null };

/** The storage and messaging the tabs of one browser share. Real ones in the browser, fakes in tests. */
export interface CrossTab {
  readHint(): SessionHint | null;
  writeHint(hint: SessionHint | null): void;
  post(message: TabMessage): void;
  onMessage(listener: (message: TabMessage) => void): () => void;
  /**
   * Runs `task` while holding the browser-wide refresh lock (Web Locks), so that two tabs never
   * refresh at once: the second waits, then finds the first one's result in the hint.
   */
  withRefreshLock<T>(task: () => Promise<T>): Promise<T>;
}

const HINT_KEY = 'revoke:session';
const CHANNEL = 'revoke:session';
const LOCK = 'revoke:refresh';

function parseHint(raw: string | null): SessionHint | null {
  if (!raw) return null;
  try {
    const hint = JSON.parse(raw) as SessionHint;
    const ok =
      typeof hint?.user?.id === 'string' &&
      typeof hint.user.email === 'string' &&
      Number.isFinite(hint.expiresAt) &&
      Number.isFinite(hint.receivedAt);
    return ok ? hint : null;
  } catch {
    return null;
  }
}

/**
 * The browser's: `localStorage` for the hint, a `BroadcastChannel` for messages, `navigator.locks`
 * for the lock. Web Locks need a secure context (https, or http on 127.0.0.1/localhost); without
 * them a tab still refreshes at most once at a time and re-reads the hint first, and the server's
 * short grace window for concurrent refreshes covers the rest.
 */
export function browserCrossTab(): CrossTab {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return {
    readHint: () => parseHint(localStorage.getItem(HINT_KEY)),
    writeHint(hint) {
      if (hint) localStorage.setItem(HINT_KEY, JSON.stringify(hint));
      else localStorage.removeItem(HINT_KEY);
    },
    post: (message) => channel?.postMessage(message),
    onMessage(listener) {
      const handler = (event: MessageEvent<TabMessage>) => listener(event.data);
      channel?.addEventListener('message', handler);
      return () => channel?.removeEventListener('message', handler);
    },
    withRefreshLock: <T>(task: () => Promise<T>) =>
      locks ? (locks.request(LOCK, () => settled(task)) as Promise<T>) : task(),
  };
}

/**
 * Chromium propagates `localStorage` writes to other tabs' processes asynchronously: a tab that
 * takes the lock the instant this one releases it could still read the old hint and refresh again
 * (seen in CI: two refreshes 0 ms apart). Holding the lock a moment longer lets the new hint land
 * first; only background refreshes wait for it.
 */
const HINT_SETTLE_MS = 250;

async function settled<T>(task: () => Promise<T>): Promise<T> {
  const result = await task();
  await new Promise((resolve) => setTimeout(resolve, HINT_SETTLE_MS));
  return result;
}
