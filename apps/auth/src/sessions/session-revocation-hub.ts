import type { AccessClaims } from '@revoke/auth';
import { entryMatches, type FeedApplied, lookupIds, type RevocationFeed } from '@revoke/auth/internal';
import type { RevocationEntry } from '@revoke/auth/writer';

/** What a watcher hears from the hub. */
export type HubSignal =
  /** The channel subscription is (again) confirmed: anything published earlier may have been missed, so re-check. */
  | { type: 'subscribed' }
  /** A revocation that matches the watched token's `jti`, `sid`, or `sub` + not-before. */
  | { type: 'revoked'; entry: RevocationEntry }
  /** The hub closed (the server is shutting down). */
  | { type: 'closed' };

/** A registered watcher; `stop` unregisters it (idempotent). */
export interface HubWatch {
  stop(): void;
}

export interface SessionRevocationHubOptions {
  /** The auth app's running revocation feed: the one subscription of this process. */
  feed: Pick<RevocationFeed, 'onApplied' | 'status'>;
}

type Listener = { claims: AccessClaims; notify: (signal: HubSignal) => void };

/**
 * Tells open `auth.sessionEvents` streams that their session was revoked, in one pub/sub hop.
 *
 * It holds no Redis connection of its own: it listens to the auth app's {@link RevocationFeed}, which
 * already subscribes, proves its subscription by heartbeats (an echo on every shard of a Cluster, so a
 * failover that silently replaced a subscriber is noticed), and resynchronises after every gap. Watchers
 * are indexed by `jti`, `sid`, `sub` and `kid`, so an event costs a few map look-ups whatever the number
 * of open streams.
 *
 * Pub/sub is at-most-once: after every completed resync of the feed (first subscription, reconnect,
 * failover, re-seed) the hub tells each watcher to re-check against Redis itself ({@link HubSignal}
 * `subscribed`); since the writer sets the key and publishes in one atomic step, a revocation is either in
 * Redis by then or delivered afterwards. Callers also poll the auth app's own revocation cache as a
 * backstop (see `watch-session.ts`). The hub tells all its watchers at once, in one tick; their re-checks
 * are batched into one Redis read (`session-streams.ts`), so a reconnect costs one round trip, not one per
 * open stream.
 */
export class SessionRevocationHub {
  readonly #feed: SessionRevocationHubOptions['feed'];
  readonly #byKind = {
    jti: new Map<string, Set<Listener>>(),
    sid: new Map(),
    sub: new Map(),
    kid: new Map(),
  } as Record<RevocationEntry['kind'], Map<string, Set<Listener>>>;
  readonly #all = new Set<Listener>();
  readonly #unlisten: () => void;
  #closed = false;

  constructor(options: SessionRevocationHubOptions) {
    this.#feed = options.feed;
    this.#unlisten = this.#feed.onApplied((applied) => this.#onApplied(applied));
  }

  /** True while the feed's subscription is confirmed and its cache resynchronised since the last gap. */
  get subscribed(): boolean {
    return this.#feed.status().synced;
  }

  /** Number of open watchers. */
  get size(): number {
    return this.#all.size;
  }

  /**
   * Watches the token with these claims. `notify` gets `subscribed` at once when the channel is
   * already confirmed, otherwise as soon as it is; then matching revocations; `closed` on shutdown.
   */
  watch(claims: AccessClaims, notify: (signal: HubSignal) => void): HubWatch {
    const listener: Listener = { claims, notify };
    if (this.#closed) {
      queueMicrotask(() => notify({ type: 'closed' }));
      return { stop() {} };
    }
    this.#all.add(listener);
    // Under the ids' canonical spelling, the one every revocation event carries.
    for (const [kind, id] of lookupIds(claims)) {
      const map = this.#byKind[kind];
      const set = map.get(id) ?? new Set<Listener>();
      map.set(id, set.add(listener));
    }
    if (this.subscribed) queueMicrotask(() => this.#all.has(listener) && notify({ type: 'subscribed' }));
    return { stop: () => this.#remove(listener) };
  }

  /** Tells every watcher `closed` and stops listening to the feed (which the app closes itself). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    for (const listener of [...this.#all]) {
      this.#remove(listener);
      listener.notify({ type: 'closed' });
    }
  }

  #remove(listener: Listener): void {
    if (!this.#all.delete(listener)) return;
    for (const [kind, id] of lookupIds(listener.claims)) {
      const set = this.#byKind[kind].get(id);
      set?.delete(listener);
      if (set?.size === 0) this.#byKind[kind].delete(id);
    }
  }

  #onApplied(applied: FeedApplied): void {
    if (applied.type === 'resynced') {
      // Whatever Redis holds now, some of it may have come without an event: let every watcher re-check.
      for (const listener of [...this.#all]) listener.notify({ type: 'subscribed' });
      return;
    }
    const { entry } = applied;
    const candidates = this.#byKind[entry.kind].get(entry.id);
    if (!candidates) return;
    for (const listener of [...candidates]) {
      if (entryMatches(entry, listener.claims)) listener.notify({ type: 'revoked', entry });
    }
  }
}
