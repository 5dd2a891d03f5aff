import type { AccessClaims } from '../claims.ts';
import type { AuthError } from '../errors.ts';
import type { Logger } from '../observer.ts';
import type { RevocationCache } from '../revocation/cache.ts';
import type { RevocationFeed } from '../revocation/feed.ts';

/**
 * What {@link LiveRevocations} needs of a running {@link RevocationFeed} (a fake one in tests).
 *
 * @example
 * ```ts
 * import { type LiveFeed, LiveRevocations } from '@revoke/auth/live';
 *
 * const feed: LiveFeed = auth.feed; // createRevocationGuard's running feed
 * const live = new LiveRevocations({ feed });
 * ```
 */
export interface LiveFeed {
  readonly cache: Pick<RevocationCache, 'isRevoked'>;
  onApplied: RevocationFeed['onApplied'];
  isFresh: RevocationFeed['isFresh'];
  checkDirect: RevocationFeed['checkDirect'];
}

/**
 * Options of {@link LiveRevocations}.
 *
 * @example
 * ```ts
 * import { LiveRevocations, type LiveRevocationsOptions } from '@revoke/auth/live';
 *
 * const options: LiveRevocationsOptions = { feed: auth.feed, maxWatches: 5_000, maxPerUser: 20, staleCheckMs: 500 };
 * const live = new LiveRevocations(options);
 * ```
 */
export interface LiveRevocationsOptions {
  /** The process's running revocation feed (the one its guard uses). */
  feed: LiveFeed;
  /** Most live watches in this process, over all users (default 10 000); past it {@link LiveLimitError}. */
  maxWatches?: number;
  /** Most live watches of one user (`sub`) in this process (default 100); past it {@link LiveLimitError}. */
  maxPerUser?: number;
  /**
   * While the feed is stale (past its `staleAfterMs`, S), how often every live watch is checked against
   * Redis directly (default 1000 ms). A watch whose check says revoked, or cannot answer, ends.
   */
  staleCheckMs?: number;
  /** Most direct checks in flight at once during one stale round (default 32). */
  staleCheckConcurrency?: number;
  /** Replaces `feed.checkDirect` for the stale rounds, e.g. with a batched read (default: the feed's). */
  checkDirect?: (claims: AccessClaims) => Promise<boolean>;
  logger?: Logger;
  /** Clock in ms (tests). */
  now?: () => number;
}

/**
 * Options of {@link LiveRevocations.watch}.
 *
 * @example
 * ```ts
 * import type { WatchOptions } from '@revoke/auth/live';
 *
 * const connection = new AbortController();
 * const options: WatchOptions = { signal: connection.signal };
 * const watch = live.watch(claims, options);
 * connection.abort(); // the connection went away: the watch ends too
 * ```
 */
export interface WatchOptions {
  /** The connection's own signal (tRPC passes one to every subscription): when it aborts, the watch stops. */
  signal?: AbortSignal | undefined;
}

/**
 * One live connection's watch on its token. Its {@link LiveWatch.signal} aborts when the token is
 * revoked (reason: `AuthError('TOKEN_REVOKED')`), expires (`TOKEN_EXPIRED`), cannot be vouched for
 * (`REVOCATION_UNAVAILABLE`: feed stale and Redis unreachable, or the registry closed), or when the
 * connection's own signal aborts (its reason). Call {@link LiveWatch.stop} when the connection ends.
 *
 * @example
 * ```ts
 * const watch = live.watch(ctx.user, { signal });
 * try {
 *   await doSomethingLong({ signal: watch.signal });
 * } finally {
 *   watch.stop();
 * }
 * if (watch.error) throw watch.error; // AuthError('TOKEN_REVOKED'), …
 * ```
 */
export interface LiveWatch {
  /** Aborts when the watch ends, whatever the cause; `signal.reason` is the {@link LiveWatch.error} if any. */
  readonly signal: AbortSignal;
  /** Why the token no longer holds (TOKEN_REVOKED, TOKEN_EXPIRED, REVOCATION_UNAVAILABLE); undefined otherwise. */
  readonly error: AuthError | undefined;
  /** Unregisters the watch and gives its budget back (idempotent). Does not set an error. */
  stop(): void;
}

/**
 * Thrown by {@link LiveRevocations.watch} when a budget is exhausted: `scope` says which one
 * (`process`: {@link LiveRevocationsOptions.maxWatches}; `user`: {@link LiveRevocationsOptions.maxPerUser}).
 * Map it to your transport's "too many requests" (tRPC: `TOO_MANY_REQUESTS`, HTTP 429).
 *
 * @example
 * ```ts
 * try {
 *   watch = live.watch(ctx.user, { signal });
 * } catch (error) {
 *   if (error instanceof LiveLimitError) throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: error.message });
 *   throw error;
 * }
 * ```
 */
export class LiveLimitError extends Error {
  override readonly name = 'LiveLimitError';
  readonly code = 'LIVE_LIMIT' as const;
  readonly scope: 'process' | 'user';
  readonly limit: number;

  constructor(scope: 'process' | 'user', limit: number) {
    super(
      scope === 'user'
        ? `Too many live connections for this user (at most ${limit} per server); close one first`
        : `Too many live connections on this server (at most ${limit}); try again later`,
    );
    this.scope = scope;
    this.limit = limit;
  }
}
