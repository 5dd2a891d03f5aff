import type { AccessClaims } from '../../claims.ts';
import { type AuthObserver, type Logger, silentLogger } from '../../observer.ts';
import { RevocationCache } from '../cache.ts';
import { revocationEventSchema } from '../entry.ts';
import { DEFAULT_PREFIX } from '../keys.ts';
import { createTransport } from './create-transport.ts';
import { checkDirect } from './direct-check.ts';
import type { FeedApplied, FeedStatus, RevocationFeedOptions } from './feed-options.ts';
import { FeedState, type SnapshotVerdict } from './feed-state.ts';
import { HeartbeatLoop } from './heartbeat-loop.ts';
import { MutableResumePoint } from './resume-point.ts';
import { sweepExpired } from './sweeper.ts';
import type { FeedTransport } from './transport.ts';

export type { FeedApplied, FeedStatus, RevocationFeedOptions } from './feed-options.ts';

/**
 * Keeps a {@link RevocationCache} complete from Redis (docs/architecture.md, "Revocation"). Pub/sub is at-most-once, so
 * the feed never depends on one message arriving:
 * 1. it subscribes first, then snapshots the index, so nothing falls between the two;
 * 2. every reconnect resubscribes and snapshots again before the cache is trusted again; entries are
 *    never dropped on a disconnect;
 * 3. a heartbeat (a PING on the subscriber, or an echo on every shard of a cluster, plus a read of the
 *    epoch) proves, each round, that the channel delivers and that Redis still holds the data; its last
 *    success is the cache's freshness;
 * 4. past `staleAfterMs`, callers stop trusting absence and use {@link RevocationFeed.checkDirect}.
 *
 * The rules live in {@link FeedState}; the Redis side in a {@link FeedTransport}; this class wires them.
 *
 * @example
 * ```ts
 * import type { RevocationFeed } from '@revoke/auth';
 *
 * const feed: RevocationFeed = auth.feed; // createRevocationGuard's, started by auth.start()
 * feed.isFresh(); // true while the cache's silence can be trusted
 * const unsubscribe = feed.onApplied((applied) => console.log(applied.type)); // 'entry' or 'resynced'
 * unsubscribe();
 * ```
 */
export class RevocationFeed {
  readonly cache: RevocationCache;
  readonly #transport: FeedTransport;
  readonly #state: FeedState;
  readonly #heartbeat: HeartbeatLoop;
  readonly #heartbeatMs: number;
  readonly #directTimeoutMs: number;
  readonly #snapshotTimeoutMs: number;
  readonly #snapshotBatch: number;
  readonly #resyncJitterMs: number;
  /** A reload after an epoch change, waiting out its random delay. */
  #delayedResync: NodeJS.Timeout | undefined;
  readonly #observer: AuthObserver;
  readonly #log: Logger;
  readonly #listeners = new Set<(applied: FeedApplied) => void>();
  /** Where the next snapshot may resume from; set by every snapshot that made the cache complete. */
  #resumePoint: MutableResumePoint | undefined;
  #syncing = false;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #closed = false;
  #waitingSaid = false;
  #foreignSaid = false;
  readonly #firstSnapshot: Promise<void>;
  #resolveFirstSnapshot!: () => void;

  constructor(options: RevocationFeedOptions = {}) {
    this.cache = options.cache ?? new RevocationCache();
    this.#state = new FeedState(options.staleAfterMs ?? 3000);
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#directTimeoutMs = options.directTimeoutMs ?? 250;
    this.#snapshotTimeoutMs = options.snapshotTimeoutMs ?? 30_000;
    this.#snapshotBatch = options.snapshotBatch ?? 1000;
    this.#resyncJitterMs = options.resyncJitterMs ?? 0;
    this.#observer = options.observer ?? {};
    this.#log = options.logger ?? silentLogger;
    this.#firstSnapshot = new Promise((resolve) => {
      this.#resolveFirstSnapshot = resolve;
    });
    this.#transport = createTransport({
      redisUrl: options.redisUrl ?? 'redis://127.0.0.1:6379',
      redisCluster: options.redisCluster,
      redisOptions: options.redisOptions,
      prefix: options.prefix ?? DEFAULT_PREFIX,
      logger: this.#log,
    });
    this.#heartbeat = new HeartbeatLoop(this.#transport, this.#state, this.#heartbeatMs, {
      lost: () => this.#gap(),
      proven: () => this.#snapshotIfWanted(),
    });
  }

  /** Connects and resolves once the first snapshot has loaded (retrying until it does). */
  start(): Promise<void> {
    this.#timer ??= setInterval(() => this.#tick(), this.#heartbeatMs);
    this.#timer.unref();
    if (!this.#started && !this.#closed) {
      this.#started = true;
      this.#transport.start({
        message: (message, shard) => this.#onMessage(message, shard),
        subscribed: () => {
          this.#state.subscriptionConfirmed();
          void this.#resync();
        },
        gap: () => this.#gap(),
        commandsReady: () => void this.#resync(),
      });
    }
    return this.#firstSnapshot;
  }

  /** True once the first snapshot loaded. */
  get ready(): boolean {
    return this.#state.ready;
  }

  /** Milliseconds since the cache was last proven complete (Infinity before the first snapshot). */
  stalenessMs(): number {
    return this.#state.stalenessMs(Date.now());
  }

  /** True while the cache's absence of an entry can be trusted. */
  isFresh(): boolean {
    return this.#state.trusted(Date.now());
  }

  status(): FeedStatus {
    return {
      ready: this.#state.ready,
      synced: this.#state.synced,
      stalenessMs: this.stalenessMs(),
      epoch: this.#state.epoch,
      entries: this.cache.size,
    };
  }

  /**
   * Tells `listener` of every entry applied from an event and of every completed resync. Returns the
   * unsubscribe. A listener must not throw; it runs on the feed's own turn.
   */
  onApplied(listener: (applied: FeedApplied) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Asks Redis whether these claims are revoked, for when the feed is stale. Throws
   * `REVOCATION_UNAVAILABLE` when Redis cannot answer in time, or holds no epoch (it lost its data,
   * so a missing key proves nothing).
   */
  checkDirect(claims: AccessClaims): Promise<boolean> {
    return checkDirect(this.#transport, claims, this.#directTimeoutMs, this.#observer);
  }

  /** Stops the heartbeat and drops both connections. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#delayedResync);
    this.#transport.close();
  }

  #gap(): void {
    this.#heartbeat.reset();
    if (this.#state.gapOpened()) this.#observer.reconnect?.();
  }

  #emit(applied: FeedApplied): void {
    // Most processes have no listener: then an event costs no copy of the set.
    if (this.#listeners.size === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(applied);
      } catch (error) {
        this.#log.error({ err: String(error) }, 'revocation feed: a listener threw');
      }
    }
  }

  #onMessage(message: string, shard: number): void {
    let event: ReturnType<typeof revocationEventSchema.parse>;
    try {
      event = revocationEventSchema.parse(JSON.parse(message));
    } catch {
      this.#log.warn({ size: message.length }, 'revocation feed: ignored an event it does not understand');
      return;
    }
    if (event.type === 'resync') {
      this.#state.epochAnnounced(event.epoch);
      this.#snapshotIfWanted();
      return;
    }
    this.cache.add(event.entry);
    // Live means no gap since the cache was complete, and one connection delivers a shard's events in
    // order: every earlier entry of that shard is here, so a resume may start after this one.
    if (event.pos !== undefined && this.#state.synced) this.#resumePoint?.advance(shard, event.pos);
    this.#observer.eventApplied?.(Math.max(0, Date.now() - event.at));
    this.#emit({ type: 'entry', entry: event.entry });
  }

  /** Starts the snapshot the state asks for: at once, or once ready after up to `resyncJitterMs`. */
  #snapshotIfWanted(): void {
    if (!this.#state.wantsSnapshot || this.#delayedResync) return;
    const delay = this.#state.ready ? Math.random() * this.#resyncJitterMs : 0;
    if (delay < 1) return void this.#resync();
    this.#delayedResync = setTimeout(() => {
      this.#delayedResync = undefined;
      // A gap meanwhile may have run one already.
      if (this.#state.wantsSnapshot) void this.#resync();
    }, delay);
    this.#delayedResync.unref();
  }

  /** Takes snapshots until one settles the state (or fails: the heartbeat then retries). */
  async #resync(): Promise<void> {
    if (this.#syncing) {
      this.#state.snapshotRequested();
      return;
    }
    this.#syncing = true;
    try {
      let again = true;
      while (again && !this.#closed) again = await this.#snapshot();
    } catch (error) {
      this.#state.snapshotFailed();
      this.#log.warn({ err: String(error) }, 'revocation feed: snapshot failed');
    } finally {
      this.#syncing = false;
    }
  }

  /** One snapshot; true when another must follow at once. */
  async #snapshot(): Promise<boolean> {
    if (!this.#transport.canSnapshot()) return false;
    const ticket = this.#state.snapshotStarted(Date.now());
    if (!ticket) return false;
    const result = await this.#transport.snapshot(this.cache, {
      timeoutMs: this.#snapshotTimeoutMs,
      batch: this.#snapshotBatch,
      from: this.#resumePoint,
    });
    if (result.foreign !== undefined && !this.#foreignSaid) {
      this.#foreignSaid = true;
      this.#log.error(
        { epoch: result.foreign, shards: this.#transport.shardCount },
        'revocation feed: Redis holds revocations split into another number of shards; REVOCATION_SHARDS ' +
          "must match the auth app's. Not trusting Redis until it does",
      );
    }
    const mode = result.resumedShards === this.#transport.shardCount ? 'resumed' : 'full';
    this.#observer.snapshot?.(result.entries, Date.now() - ticket.startedAt, mode);
    const verdict = this.#state.snapshotFinished(ticket, result);
    if (verdict.completed && result.resumePoint)
      this.#resumePoint = new MutableResumePoint(result.resumePoint);
    this.#report(verdict, result.epoch);
    return verdict.again;
  }

  #report(verdict: SnapshotVerdict, epoch: string | null): void {
    // Said once per transition, not at every retry.
    if (epoch === null && !this.#state.ready && !this.#waitingSaid) {
      this.#waitingSaid = true;
      this.#log.info({}, 'revocation feed: waiting for the auth app to seed Redis (no revocation epoch yet)');
    }
    if (verdict.epochLost && this.#state.ready) {
      this.#log.warn(
        {},
        'revocation feed: Redis lost its revocation data (epoch gone); not trusting it until re-seeded',
      );
    }
    if (verdict.firstReady) {
      this.#log.info({ entries: this.cache.size, epoch }, 'revocation feed: first snapshot loaded');
      this.#resolveFirstSnapshot();
    }
    if (verdict.completed) this.#emit({ type: 'resynced' });
  }

  #tick(): void {
    const now = Date.now();
    sweepExpired(this.cache, now);
    if (this.#closed) return;
    // Retries a snapshot that failed or found no epoch; nothing else would ask again.
    this.#snapshotIfWanted();
    this.#heartbeat.beat(now);
  }
}
