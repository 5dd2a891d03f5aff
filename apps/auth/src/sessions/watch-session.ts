import { type AccessClaims, AuthError, isAuthError } from '@revoke/auth';
import type { SessionRevocationHub } from './session-revocation-hub.ts';

/** How watching one token ended. */
export type SessionOutcome =
  | { type: 'revoked' }
  /** The token the watch authenticated with expired: the client refreshes and watches again. */
  | { type: 'expired' }
  /** The client went away. */
  | { type: 'aborted' }
  /** The hub closed: the server is shutting down. */
  | { type: 'closed' }
  /** Redis could not say whether the token is revoked when the watch was armed. */
  | { type: 'unavailable'; error: AuthError };

export interface WatchSessionOptions {
  hub: Pick<SessionRevocationHub, 'watch'>;
  claims: AccessClaims;
  /**
   * Asks Redis itself; throws `REVOCATION_UNAVAILABLE` when it cannot answer. Called at once on every
   * `subscribed` signal, which the hub sends to all its watchers together: the caller batches these
   * calls (`session-streams.ts`), so that N watchers cost one Redis read, not N.
   */
  checkDirect(claims: AccessClaims): Promise<boolean>;
  /** The local revocation cache's verdict: the backstop poll. */
  isRevokedLocally(claims: AccessClaims): boolean;
  signal: AbortSignal;
  /** Backstop poll of the local cache (default 1000 ms). */
  pollMs?: number;
  now?: () => number;
}

/** A running watch: `armed` once nothing can be missed any more, `outcome` once it ended. */
export interface SessionWatch {
  armed: Promise<void>;
  outcome: Promise<SessionOutcome>;
  stop(): void;
}

/**
 * Watches one access token until it is revoked, expires, or the caller goes away.
 *
 * Arming: register with the hub, wait for the channel subscription to be confirmed, then ask Redis
 * directly. The writer sets a revocation's key and publishes it in one atomic step, so a revocation
 * is either visible to that direct check or delivered by the channel afterwards: no gap. The hub
 * asks for the same re-check after each reconnect. A one-second poll of the auth app's own
 * revocation cache (itself kept complete by snapshots) backs up an event lost any other way.
 */
export function watchSession(options: WatchSessionOptions): SessionWatch {
  const { claims, signal } = options;
  const now = options.now ?? Date.now;
  let resolveArmed!: () => void;
  const armed = new Promise<void>((resolve) => {
    resolveArmed = resolve;
  });
  let settle!: (outcome: SessionOutcome) => void;
  const outcome = new Promise<SessionOutcome>((resolve) => {
    settle = resolve;
  });

  let done = false;
  let isArmed = false;
  let checking = false;
  let checkAgain = false;
  const timers: NodeJS.Timeout[] = [];
  const onAbort = () => finish({ type: 'aborted' });

  function finish(result: SessionOutcome): void {
    if (done) return;
    done = true;
    for (const timer of timers) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    watch.stop();
    settle(result);
  }

  async function checkRedis(): Promise<void> {
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      do {
        checkAgain = false;
        if (await options.checkDirect(claims)) return finish({ type: 'revoked' });
      } while (checkAgain && !done);
      if (!isArmed && !done) {
        isArmed = true;
        resolveArmed();
      }
    } catch (cause) {
      // Once armed, a failed re-check is covered by the poll; before, the client must retry.
      if (!isArmed) {
        const error = isAuthError(cause) ? cause : new AuthError('REVOCATION_UNAVAILABLE', { cause });
        finish({ type: 'unavailable', error });
      }
    } finally {
      checking = false;
    }
  }

  const watch = options.hub.watch(claims, (hubSignal) => {
    if (hubSignal.type === 'revoked') finish({ type: 'revoked' });
    else if (hubSignal.type === 'closed') finish({ type: 'closed' });
    else void checkRedis();
  });
  if (signal.aborted) {
    finish({ type: 'aborted' });
  } else {
    signal.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => finish({ type: 'expired' }), Math.max(0, claims.exp * 1000 - now())),
      setInterval(() => {
        if (options.isRevokedLocally(claims)) finish({ type: 'revoked' });
      }, options.pollMs ?? 1000),
    );
  }
  return { armed, outcome, stop: () => finish({ type: 'aborted' }) };
}
