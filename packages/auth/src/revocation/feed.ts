import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import { type AuthObserver, type Logger, silentLogger } from '../observer.ts';
import { RevocationCache } from './cache.ts';
import { createRedisClient, isCluster, type RedisClient, type RedisClusterConfig } from './connection.ts';
import { lookupIds, revocationEventSchema } from './entry.ts';
import { DEFAULT_CLUSTER_SHARDS, DEFAULT_PREFIX, type RevocationKeys, revocationKeys } from './keys.ts';
import { combinedEpoch, loadSnapshot } from './snapshot.ts';
import { withTimeout } from './with-timeout.ts';

export interface RevocationFeedOptions {
  /** Default `redis://127.0.0.1:6379`. */
  redisUrl?: string;
  /**
   * A Redis Cluster instead of `redisUrl`: events arrive by sharded pub/sub (`SSUBSCRIBE` to every
   * shard's channel, one subscriber connection per master) and snapshots read every shard.
   */
  redisCluster?: RedisClusterConfig | undefined;
  /** Extra ioredis options for both connections (TLS, password, …); per node in a cluster. */
  redisOptions?: RedisOptions;
  /** Key namespace; must match the writer's. */
  prefix?: string;
  /** The cache to keep complete; a new one by default. */
  cache?: RevocationCache;
  /** S: past this much staleness the cache's silence is no longer trusted (default 3000 ms). */
  staleAfterMs?: number;
  /** How often the feed proves it is alive (default 1000 ms). */
  heartbeatMs?: number;
  /** Budget of one direct Redis check on the request path (default 250 ms). */
  directTimeoutMs?: number;
  /** Budget of one snapshot (default 30 s). */
  snapshotTimeoutMs?: number;
  observer?: AuthObserver;
  logger?: Logger;
}

/** Cluster mode: one heartbeat round, awaiting an echo from each shard and the shards' epochs. */
interface HeartbeatRound {
  id: string;
  sentAt: number;
  /** The subscriber generation it was sent under. */
  generation: number;
  /** Shards whose echo has not arrived yet. */
  pending: Set<number>;
  /** The shards' combined epoch once read (null: some shard holds none). */
  epoch?: string | null;
}

/** What `/readyz` and operators see. */
export interface FeedStatus {
  /** The first complete snapshot has loaded. */
  ready: boolean;
  /** Subscribed, snapshot loaded since the last (re)connect, epoch confirmed. */
  synced: boolean;
  /** Milliseconds since the cache was last proven complete. */
  stalenessMs: number;
  /** Redis's revocation epoch as last seen; null when Redis lost its data and was not re-seeded. */
  epoch: string | null;
  entries: number;
}

/**
 * Keeps a {@link RevocationCache} complete from Redis (DESIGN §4). Pub/sub is at-most-once, so
 * the feed never depends on one message arriving:
 * 1. it subscribes first, then snapshots the index, so nothing falls between the two;
 * 2. every reconnect resubscribes and snapshots again before the cache is trusted again; entries are
 *    never dropped on a disconnect;
 * 3. a heartbeat (a PING on the subscriber plus a read of the epoch) proves, each round, that the
 *    channel delivers and that Redis still holds the data; its last success is the cache's freshness;
 * 4. past `staleAfterMs`, callers stop trusting absence and use {@link RevocationFeed.checkDirect}.
 */
export class RevocationFeed {
  readonly cache: RevocationCache;
  readonly #keys: RevocationKeys;
  readonly #sub: RedisClient;
  readonly #cmd: RedisClient;
  /** Cluster mode: per shard, the channel only this feed listens to, for its heartbeat echoes. */
  readonly #echoChannels: string[] = [];
  /**
   * Bumped on every change of subscriber connections (a close on a single Redis; in a cluster any change):
   * a heartbeat round or a snapshot spanning one proves nothing, since events may have been lost in between.
   */
  #generation = 0;
  /** Cluster mode: the heartbeat round awaiting its echoes. */
  #round: HeartbeatRound | undefined;
  /** Cluster mode: rounds in a row that went unanswered. */
  #lostRounds = 0;
  readonly #staleAfterMs: number;
  readonly #heartbeatMs: number;
  readonly #directTimeoutMs: number;
  readonly #snapshotTimeoutMs: number;
  readonly #observer: AuthObserver;
  readonly #log: Logger;

  #subscribed = false;
  #synced = false;
  #ready = false;
  #epoch: string | null = null;
  /** When the cache was last known complete (ms); staleness counts from here. */
  #freshAt = Number.NEGATIVE_INFINITY;
  #syncing = false;
  #syncAgain = false;
  /** Send time of the heartbeat still awaiting its answer. */
  #heartbeatSentAt: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #waitingSaid = false;
  #foreignSaid = false;
  readonly #firstSnapshot: Promise<void>;
  #resolveFirstSnapshot!: () => void;

  constructor(options: RevocationFeedOptions = {}) {
    this.cache = options.cache ?? new RevocationCache();
    const cluster = options.redisCluster;
    this.#keys = revocationKeys(options.prefix ?? DEFAULT_PREFIX, {
      shards: cluster ? (cluster.shards ?? DEFAULT_CLUSTER_SHARDS) : undefined,
    });
    this.#staleAfterMs = options.staleAfterMs ?? 3000;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#directTimeoutMs = options.directTimeoutMs ?? 250;
    this.#snapshotTimeoutMs = options.snapshotTimeoutMs ?? 30_000;
    this.#observer = options.observer ?? {};
    this.#log = options.logger ?? silentLogger;
    this.#firstSnapshot = new Promise((resolve) => {
      this.#resolveFirstSnapshot = resolve;
    });

    const url = options.redisUrl ?? 'redis://127.0.0.1:6379';
    const common: RedisOptions = {
      ...options.redisOptions,
      lazyConnect: true,
      // Fail fast instead of queueing: a queued command on the request path is a hang.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
    };
    if (cluster) {
      // ioredis keeps one sharded subscriber per master and re-subscribes after a failover by itself, but
      // says nothing when that is acknowledged: the heartbeat's echoes on each shard are what prove it.
      this.#sub = createRedisClient({
        cluster: { ...cluster, options: { ...cluster.options, shardedSubscribers: true } },
        redisOptions: { ...common, connectionName: 'revocation-feed' },
      });
      this.#cmd = createRedisClient({
        cluster,
        redisOptions: { ...common, connectionName: 'revocation-feed-cmd' },
      });
      const feedId = randomBytes(8).toString('base64url');
      for (const shard of this.#keys.shards) this.#echoChannels.push(`${shard.channel}:echo:${feedId}`);
    } else {
      // We resubscribe ourselves: ioredis's own resubscription is not awaited before `ready`.
      this.#sub = new Redis(url, { ...common, autoResubscribe: false, connectionName: 'revocation-feed' });
      this.#cmd = new Redis(url, { ...common, connectionName: 'revocation-feed-cmd' });
    }
    this.#wire();
  }

  /** Connects and resolves once the first snapshot has loaded (retrying until it does). */
  start(): Promise<void> {
    this.#timer ??= setInterval(() => this.#tick(), this.#heartbeatMs);
    this.#timer.unref();
    for (const connection of [this.#sub, this.#cmd]) {
      if (connection.status === 'wait') connection.connect().catch(() => {});
    }
    return this.#firstSnapshot;
  }

  /** True once the first snapshot loaded. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Milliseconds since the cache was last proven complete (Infinity before the first snapshot). */
  stalenessMs(): number {
    return Date.now() - this.#freshAt;
  }

  /** True while the cache's absence of an entry can be trusted. */
  isFresh(): boolean {
    return this.stalenessMs() <= this.#staleAfterMs;
  }

  status(): FeedStatus {
    return {
      ready: this.#ready,
      synced: this.#synced,
      stalenessMs: this.stalenessMs(),
      epoch: this.#epoch,
      entries: this.cache.size,
    };
  }

  /**
   * Asks Redis whether these claims are revoked, for when the feed is stale. Throws
   * `REVOCATION_UNAVAILABLE` when Redis cannot answer in time, or holds no epoch (it lost its data,
   * so a missing key proves nothing).
   */
  async checkDirect(claims: AccessClaims): Promise<boolean> {
    const keys = this.#keys;
    const cmd = this.#cmd;
    let values: (string | null)[];
    try {
      values = await withTimeout(
        isCluster(cmd)
          ? this.#clusterDirect(cmd, claims)
          : cmd.mget(keys.epoch, ...lookupIds(claims).map(([kind, id]) => keys.entry(kind, id))),
        this.#directTimeoutMs,
        'direct revocation check',
      );
    } catch (cause) {
      this.#observer.directCheck?.('unavailable');
      throw new AuthError('REVOCATION_UNAVAILABLE', { cause });
    }
    const [epoch, jti, sid, notBefore, kid] = values;
    if (epoch === null) {
      this.#observer.directCheck?.('unavailable');
      throw new AuthError('REVOCATION_UNAVAILABLE', { cause: new Error('Redis holds no revocation epoch') });
    }
    const revoked =
      jti != null || sid != null || kid != null || (notBefore != null && claims.iat < Number(notBefore));
    this.#observer.directCheck?.(revoked ? 'revoked' : 'ok');
    return revoked;
  }

  /**
   * The direct check's reads in a cluster: the keys sit in up to four slots (MGET would be
   * CROSSSLOT), each shard with its own epoch; the answer counts only if every shard read holds one.
   */
  async #clusterDirect(cmd: RedisClient, claims: AccessClaims): Promise<(string | null)[]> {
    const keys = this.#keys;
    const wanted = lookupIds(claims);
    const shards = [...new Set(wanted.map(([kind, id]) => keys.shardOf(kind, id)))];
    const [epochs, values] = await Promise.all([
      Promise.all(shards.map((shard) => cmd.get(keys.shards[shard]!.epoch))),
      Promise.all(wanted.map(([kind, id]) => cmd.get(keys.entry(kind, id)))),
    ]);
    const trusted = epochs.every((epoch) => epoch?.endsWith(keys.epochSuffix));
    return [trusted ? 'present' : null, ...values];
  }

  /** Stops the heartbeat and drops both connections. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    // disconnect, not quit: quit waits for a reply that a frozen Redis never sends.
    this.#sub.disconnect();
    this.#cmd.disconnect();
  }

  #wire(): void {
    this.#sub.on('ready', () => void this.#subscribe());
    this.#sub.on('close', () => {
      if (this.#subscribed) this.#observer.reconnect?.();
      this.#generation++;
      this.#subscribed = false;
      this.#synced = false;
      this.#heartbeatSentAt = null;
    });
    this.#sub.on('message', (_channel: string, message: string) => this.#onMessage(message));
    this.#sub.on('smessage', (channel: string, message: string) => {
      const echo = this.#echoChannels.indexOf(channel);
      if (echo >= 0) this.#onEcho(echo, message);
      else this.#onMessage(message);
    });
    if (isCluster(this.#sub)) {
      // A subscriber connection came or went (failover, a master replaced): messages may have been lost
      // in between, so the cache is not complete until echoes prove every shard again and a snapshot ran.
      for (const event of ['-node', '+subscriber', '-subscriber', 'subscribersReady']) {
        this.#sub.on(event, () => this.#subscriptionsChanged());
      }
    }
    this.#cmd.on('ready', () => void this.#resync());
    for (const [name, connection] of [
      ['subscriber', this.#sub],
      ['command', this.#cmd],
    ] as const) {
      connection.on('error', (error: Error) =>
        this.#log.warn({ err: error.message, connection: name }, 'revocation feed: Redis error'),
      );
    }
  }

  async #subscribe(): Promise<void> {
    try {
      // Only after Redis acknowledged the subscription is a snapshot gap-free.
      const sub = this.#sub;
      if (isCluster(sub)) {
        // One SSUBSCRIBE per shard: a shard's channels share its hash tag, so they go to its master's subscriber.
        await Promise.all(
          this.#keys.shards.map((shard, n) => sub.ssubscribe(shard.channel, this.#echoChannels[n]!)),
        );
        this.#generation++;
      } else {
        await sub.subscribe(this.#keys.channel);
      }
      this.#subscribed = true;
      await this.#resync();
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'revocation feed: subscribe failed; retrying on reconnect');
      this.#sub.disconnect(true);
    }
  }

  #onMessage(message: string): void {
    let event: ReturnType<typeof revocationEventSchema.parse>;
    try {
      event = revocationEventSchema.parse(JSON.parse(message));
    } catch {
      this.#log.warn({ size: message.length }, 'revocation feed: ignored an event it does not understand');
      return;
    }
    if (event.type === 'resync') {
      if (event.epoch !== this.#epoch) void this.#resync();
      return;
    }
    this.cache.add(event.entry);
    this.#observer.eventApplied?.(Math.max(0, Date.now() - event.at));
  }

  async #resync(): Promise<void> {
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = true;
    try {
      do {
        this.#syncAgain = false;
        await this.#snapshot();
      } while (this.#syncAgain && !this.#closed);
    } catch (error) {
      // The heartbeat retries while unsynced.
      this.#log.warn({ err: String(error) }, 'revocation feed: snapshot failed');
    } finally {
      this.#syncing = false;
    }
  }

  async #snapshot(): Promise<void> {
    if (!this.#subscribed || this.#cmd.status !== 'ready') return;
    const startedAt = Date.now();
    const generation = this.#generation;
    const { epoch, entries, consistent, foreign } = await loadSnapshot(this.#cmd, this.#keys, this.cache, {
      timeoutMs: this.#snapshotTimeoutMs,
    });
    if (foreign !== undefined && !this.#foreignSaid) {
      this.#foreignSaid = true;
      this.#log.error(
        { epoch: foreign, shards: this.#keys.shards.length },
        'revocation feed: Redis holds revocations split into another number of shards; REVOCATION_SHARDS ' +
          "must match the auth app's. Not trusting Redis until it does",
      );
    }
    this.#observer.snapshot?.(entries, Date.now() - startedAt);
    if (!consistent) {
      this.#syncAgain = true;
      return;
    }
    const previous = this.#epoch;
    this.#epoch = epoch;
    if (epoch === null) {
      this.#synced = false;
      // Said once per transition, not at every retry.
      if (!this.#ready && !this.#waitingSaid) {
        this.#waitingSaid = true;
        this.#log.info(
          {},
          'revocation feed: waiting for the auth app to seed Redis (no revocation epoch yet)',
        );
      } else if (this.#ready && previous !== null) {
        this.#log.warn(
          {},
          'revocation feed: Redis lost its revocation data (epoch gone); not trusting it until re-seeded',
        );
      }
      return;
    }
    // A drop during the snapshot cleared #subscribed; the reconnect will snapshot again. If the subscriber
    // already came back, events published in the gap may be missing from this scan: marking the feed synced
    // would let heartbeats on the new subscription call it fresh while they are missing (until, and unless,
    // the next snapshot succeeds). The re-subscription asked for that snapshot; only it counts.
    if (!this.#subscribed || generation !== this.#generation) return;
    this.#synced = true;
    this.#freshAt = Math.max(this.#freshAt, startedAt);
    if (!this.#ready) {
      this.#ready = true;
      this.#log.info({ entries: this.cache.size, epoch }, 'revocation feed: first snapshot loaded');
      this.#resolveFirstSnapshot();
    }
  }

  #tick(): void {
    // A slice per heartbeat: a million entries are swept over a few seconds, never in one long pause.
    this.cache.sweep(Math.floor(Date.now() / 1000), 65_536);
    if (isCluster(this.#cmd)) {
      this.#clusterTick(this.#cmd);
      return;
    }
    if (!this.#subscribed || this.#closed) return;
    if (!this.#synced) {
      void this.#resync();
      return;
    }
    if (this.#heartbeatSentAt !== null) {
      if (Date.now() - this.#heartbeatSentAt > 2 * this.#heartbeatMs) {
        this.#log.warn({}, 'revocation feed: heartbeat unanswered; reconnecting');
        this.#heartbeatSentAt = null;
        this.#sub.disconnect(true);
        this.#cmd.disconnect(true);
      }
      return;
    }
    const sentAt = Date.now();
    this.#heartbeatSentAt = sentAt;
    Promise.all([this.#sub.ping(), this.#cmd.get(this.#keys.epoch)]).then(
      ([, epoch]) => {
        if (this.#heartbeatSentAt !== sentAt) return;
        this.#heartbeatSentAt = null;
        if (epoch === null || epoch !== this.#epoch) {
          this.#synced = false;
          void this.#resync();
          return;
        }
        // Everything published before this PING reached us before its PONG: complete as of sentAt.
        if (this.#synced) this.#freshAt = sentAt;
      },
      () => {
        if (this.#heartbeatSentAt === sentAt) this.#heartbeatSentAt = null;
      },
    );
  }

  #subscriptionsChanged(): void {
    this.#generation++;
    if (this.#subscribed) this.#observer.reconnect?.();
    this.#subscribed = false;
    this.#synced = false;
  }

  /**
   * The cluster heartbeat. A PING on a cluster client reaches some node's command connection, not the
   * sharded subscribers, so it proves nothing about delivery. Instead each round SPUBLISHes a token on
   * every shard's echo channel (same hash tag as the shard's event channel, so the same master and the
   * same subscriber connection) and reads every shard's epoch. A shard's echo arriving proves that its
   * subscription is live and that every event published on it before the echo has been delivered (one
   * master, one connection, in order). Only a round whose echoes all came back, with no subscriber change
   * meanwhile and unchanged epochs, refreshes the cache; one that does not come back within two beats
   * marks the feed unsynced, and the first complete round after that triggers a fresh snapshot.
   */
  #clusterTick(cmd: RedisClient): void {
    if (this.#closed || this.#sub.status !== 'ready') return;
    const round = this.#round;
    if (round) {
      if (Date.now() - round.sentAt <= 2 * this.#heartbeatMs) return;
      this.#round = undefined;
      if (this.#subscribed)
        this.#log.warn({}, 'revocation feed: heartbeat echo missing on a shard; resynchronising');
      this.#subscriptionsChanged();
      // ioredis normally re-subscribes after a topology change; if it did not within a few seconds, start over.
      if (++this.#lostRounds >= 5) {
        this.#lostRounds = 0;
        this.#sub.disconnect(true);
      }
      return;
    }
    const id = randomBytes(6).toString('base64url');
    const current = {
      id,
      sentAt: Date.now(),
      generation: this.#generation,
      pending: new Set(this.#keys.shards.keys()),
    } as HeartbeatRound;
    this.#round = current;
    Promise.all(this.#keys.shards.map((shard) => cmd.get(shard.epoch))).then(
      (epochs) => {
        current.epoch = combinedEpoch(epochs);
        this.#maybeCompleteRound(current);
      },
      () => {},
    );
    for (const [n, channel] of this.#echoChannels.entries()) {
      cmd.spublish(channel, id).catch(() => current.pending.add(n));
    }
  }

  #onEcho(shard: number, id: string): void {
    const round = this.#round;
    if (round?.id !== id) return;
    round.pending.delete(shard);
    this.#maybeCompleteRound(round);
  }

  #maybeCompleteRound(round: HeartbeatRound): void {
    if (this.#round !== round || round.pending.size > 0 || round.epoch === undefined) return;
    this.#round = undefined;
    this.#lostRounds = 0;
    if (round.generation !== this.#generation) return;
    if (!this.#subscribed) {
      // Every shard's subscription is proven live since the last change: now a snapshot is gap-free.
      this.#subscribed = true;
      void this.#resync();
      return;
    }
    if (round.epoch === null || round.epoch !== this.#epoch) {
      this.#synced = false;
      void this.#resync();
      return;
    }
    // Unsynced with every shard proven and the epoch unchanged: the last snapshot failed (timeout, a shard
    // failing over). Nothing else asks for another, so the heartbeat retries it, as on a single Redis.
    if (!this.#synced && !this.#syncing) {
      void this.#resync();
      return;
    }
    if (this.#synced) this.#freshAt = round.sentAt;
  }
}
