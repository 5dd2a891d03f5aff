import type { AccessClaims, RevocationKind } from '../claims.ts';
import { AuthError, isAuthError } from '../errors.ts';
import { type Logger, silentLogger } from '../observer.ts';
import { canonicalId, entryMatches, lookupIds } from '../revocation/entry.ts';
import type { FeedApplied } from '../revocation/feed.ts';
import {
  type LiveFeed,
  LiveLimitError,
  type LiveRevocationsOptions,
  type LiveWatch,
  type WatchOptions,
} from './live-types.ts';

interface Watcher {
  readonly claims: AccessClaims;
  readonly sub: string;
  readonly ids: [RevocationKind, string][];
  readonly controller: AbortController;
  error: AuthError | undefined;
  expiry: NodeJS.Timeout | undefined;
  detach: (() => void) | undefined;
}

/** setTimeout's largest delay; a longer wait is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends live connections (SSE subscriptions, WebSockets, long polls) within S of their token's revocation,
 * in any service: the live counterpart of the guard, which only checks a token when a request arrives.
 *
 * One per process and feed (use {@link liveRevocationsOf} or {@link watchToken} to share it): it listens
 * to `feed.onApplied` once, whatever the number of connections, and indexes the watched tokens by
 * `jti`, `sid`, `sub` (and `kid`), so a revocation costs a few map look-ups. A watch ends:
 * - on an applied revocation that matches it (`entryMatches`): `TOKEN_REVOKED`;
 * - after every resync of the feed (pub/sub is at-most-once: anything may have come unseen), when the
 *   now complete cache says revoked: `TOKEN_REVOKED`;
 * - at its token's `exp`: `TOKEN_EXPIRED`;
 * - while the feed is stale past S (its silence proves nothing), when a direct Redis check says revoked
 *   (`TOKEN_REVOKED`) or cannot answer (`REVOCATION_UNAVAILABLE`): fail closed, as the guard does;
 * - when the registry closes (server shutdown): `REVOCATION_UNAVAILABLE`, which clients may retry.
 *
 * Budgets: at most `maxWatches` live watches in the process and `maxPerUser` per user; past either,
 * {@link LiveRevocations.watch} throws {@link LiveLimitError} and registers nothing.
 *
 * @example
 * ```ts
 * import { LiveRevocations, untilRevoked } from '@revoke/auth/live';
 * import { toTRPCError } from '@revoke/auth/trpc';
 *
 * const live = new LiveRevocations({ feed: authStack.feed }); // once per process
 * const router = t.router({
 *   ticks: authed.subscription(async function* ({ ctx, signal }) {
 *     const watch = live.watch(ctx.user, { signal });
 *     try {
 *       yield* untilRevoked(watch, ticker({ signal: watch.signal }), { toError: toTRPCError });
 *     } finally {
 *       watch.stop();
 *     }
 *   }),
 * });
 * ```
 */
export class LiveRevocations {
  readonly #feed: LiveFeed;
  readonly #maxWatches: number;
  readonly #maxPerUser: number;
  readonly #staleCheckMs: number;
  readonly #concurrency: number;
  readonly #checkDirect: (claims: AccessClaims) => Promise<boolean>;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #all = new Set<Watcher>();
  readonly #byKind: Record<RevocationKind, Map<string, Set<Watcher>>> = {
    jti: new Map(),
    sid: new Map(),
    sub: new Map(),
    kid: new Map(),
  };
  readonly #perUser = new Map<string, number>();
  readonly #unlisten: () => void;
  #staleTimer: NodeJS.Timeout | undefined;
  #staleRound = false;
  #closed = false;

  constructor(options: LiveRevocationsOptions) {
    this.#feed = options.feed;
    this.#maxWatches = options.maxWatches ?? 10_000;
    this.#maxPerUser = options.maxPerUser ?? 100;
    this.#staleCheckMs = options.staleCheckMs ?? 1000;
    this.#concurrency = Math.max(1, options.staleCheckConcurrency ?? 32);
    this.#checkDirect = options.checkDirect ?? ((claims) => this.#feed.checkDirect(claims));
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#unlisten = this.#feed.onApplied((applied) => this.#onApplied(applied));
  }

  /** Live watches in this process. */
  get size(): number {
    return this.#all.size;
  }

  /** Live watches of this user (`sub`, any spelling of the same UUID) in this process. */
  sizeOf(sub: string): number {
    return this.#perUser.get(canonicalId(sub)) ?? 0;
  }

  /**
   * Watches the token with these (verified, unrevoked) claims until it is revoked or expires, or the
   * connection's `signal` aborts. Call it right after the guard accepted the token: the cache is checked
   * again here, so a revocation applied in between is not missed. A token already revoked or expired
   * gives a watch that has already ended. Throws {@link LiveLimitError} past a budget.
   *
   * @example
   * ```ts
   * const watch = live.watch(claims, { signal: request.signal });
   * watch.signal.addEventListener('abort', () => socket.close(4401, watch.error?.code ?? 'closed'));
   * socket.on('close', () => watch.stop());
   * ```
   */
  watch(claims: AccessClaims, options: WatchOptions = {}): LiveWatch {
    const sub = canonicalId(claims.sub);
    if (!this.#closed) {
      if (this.#all.size >= this.#maxWatches) throw new LiveLimitError('process', this.#maxWatches);
      if ((this.#perUser.get(sub) ?? 0) >= this.#maxPerUser)
        throw new LiveLimitError('user', this.#maxPerUser);
    }
    const watcher: Watcher = {
      claims,
      sub,
      ids: lookupIds(claims),
      controller: new AbortController(),
      error: undefined,
      expiry: undefined,
      detach: undefined,
    };
    const handle: LiveWatch = {
      signal: watcher.controller.signal,
      get error() {
        return watcher.error;
      },
      stop: () => this.#remove(watcher),
    };
    const outer = options.signal;
    if (this.#closed) {
      this.#end(watcher, new AuthError('REVOCATION_UNAVAILABLE', { message: 'The server is shutting down' }));
      return handle;
    }
    if (outer?.aborted) {
      watcher.controller.abort(outer.reason);
      return handle;
    }
    this.#add(watcher);
    if (outer) {
      const onAbort = () => {
        this.#remove(watcher);
        watcher.controller.abort(outer.reason);
      };
      outer.addEventListener('abort', onAbort, { once: true });
      watcher.detach = () => outer.removeEventListener('abort', onAbort);
    }
    this.#armExpiry(watcher);
    // Anything applied between the guard's check and now is in the cache.
    if (this.#feed.cache.isRevoked(claims)) this.#end(watcher, new AuthError('TOKEN_REVOKED'));
    return handle;
  }

  /**
   * Ends every live watch with `REVOCATION_UNAVAILABLE` ("the server is shutting down"; clients may
   * reconnect elsewhere) and stops listening to the feed, which stays open. Later watches end at once.
   * Call it before your HTTP server drains, or open streams hold its close.
   *
   * @example
   * ```ts
   * app.addHook('preClose', async () => live.close());
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    clearInterval(this.#staleTimer);
    this.#staleTimer = undefined;
    for (const watcher of [...this.#all])
      this.#end(watcher, new AuthError('REVOCATION_UNAVAILABLE', { message: 'The server is shutting down' }));
  }

  #add(watcher: Watcher): void {
    this.#all.add(watcher);
    this.#perUser.set(watcher.sub, (this.#perUser.get(watcher.sub) ?? 0) + 1);
    for (const [kind, id] of watcher.ids) {
      const map = this.#byKind[kind];
      const set = map.get(id) ?? new Set<Watcher>();
      map.set(id, set.add(watcher));
    }
    if (!this.#staleTimer) {
      this.#staleTimer = setInterval(() => void this.#staleCheck(), this.#staleCheckMs);
      this.#staleTimer.unref();
    }
  }

  /** Unregisters; true when it was registered. */
  #remove(watcher: Watcher): boolean {
    clearTimeout(watcher.expiry);
    watcher.detach?.();
    watcher.detach = undefined;
    if (!this.#all.delete(watcher)) return false;
    const left = (this.#perUser.get(watcher.sub) ?? 1) - 1;
    if (left > 0) this.#perUser.set(watcher.sub, left);
    else this.#perUser.delete(watcher.sub);
    for (const [kind, id] of watcher.ids) {
      const set = this.#byKind[kind].get(id);
      set?.delete(watcher);
      if (set?.size === 0) this.#byKind[kind].delete(id);
    }
    if (this.#all.size === 0) {
      clearInterval(this.#staleTimer);
      this.#staleTimer = undefined;
    }
    return true;
  }

  #end(watcher: Watcher, error: AuthError): void {
    if (watcher.controller.signal.aborted) return;
    this.#remove(watcher);
    watcher.error = error;
    watcher.controller.abort(error);
  }

  #armExpiry(watcher: Watcher): void {
    const left = watcher.claims.exp * 1000 - this.#now();
    if (left <= 0) {
      this.#end(watcher, new AuthError('TOKEN_EXPIRED'));
      return;
    }
    watcher.expiry = setTimeout(() => this.#armExpiry(watcher), Math.min(left, MAX_TIMER_MS));
    watcher.expiry.unref();
  }

  #onApplied(applied: FeedApplied): void {
    if (applied.type === 'resynced') {
      // The cache is complete again; whatever it gained meanwhile may have come without an event.
      for (const watcher of [...this.#all])
        if (this.#feed.cache.isRevoked(watcher.claims)) this.#end(watcher, new AuthError('TOKEN_REVOKED'));
      return;
    }
    const { entry } = applied;
    const candidates = this.#byKind[entry.kind].get(entry.id);
    if (!candidates) return;
    for (const watcher of [...candidates])
      if (entryMatches(entry, watcher.claims)) this.#end(watcher, new AuthError('TOKEN_REVOKED'));
  }

  /** While the feed is stale: ask Redis about every live watch; end those revoked or unanswerable. */
  async #staleCheck(): Promise<void> {
    if (this.#staleRound || this.#feed.isFresh()) return;
    this.#staleRound = true;
    try {
      const queue = [...this.#all];
      const worker = async () => {
        for (let watcher = queue.shift(); watcher; watcher = queue.shift()) {
          if (!this.#all.has(watcher)) continue;
          // A stale cache still knows what it holds.
          if (this.#feed.cache.isRevoked(watcher.claims)) {
            this.#end(watcher, new AuthError('TOKEN_REVOKED'));
            continue;
          }
          try {
            if (await this.#checkDirect(watcher.claims)) this.#end(watcher, new AuthError('TOKEN_REVOKED'));
          } catch (cause) {
            const error = isAuthError(cause) ? cause : new AuthError('REVOCATION_UNAVAILABLE', { cause });
            this.#end(watcher, error);
          }
        }
      };
      const before = this.#all.size;
      await Promise.all(Array.from({ length: Math.min(this.#concurrency, queue.length) }, worker));
      const ended = before - this.#all.size;
      if (ended > 0)
        this.#log.warn(
          { ended, live: this.#all.size },
          'live: revocation feed stale; ended live connections',
        );
    } finally {
      this.#staleRound = false;
    }
  }
}
