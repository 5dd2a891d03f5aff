import {
  type AccessClaims,
  createRedisClient,
  DEFAULT_CLUSTER_SHARDS,
  entryMatches,
  isCluster,
  type Logger,
  lookupIds,
  type RedisClient,
  type RedisClusterConfig,
  type RevocationEntry,
  revocationEventSchema,
  revocationKeys,
  silentLogger,
} from '@revoke/auth';

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
  redisUrl: string;
  /**
   * A Redis Cluster instead of `redisUrl`: the hub then SSUBSCRIBEs to every shard's channel (sharded
   * pub/sub, one subscriber connection per master, re-subscribed by ioredis after a failover).
   */
  redisCluster?: RedisClusterConfig | undefined;
  /** The revocation prefix: the hub listens on `${prefix}events` (every shard's channel in a cluster), where the writer publishes. */
  prefix: string;
  logger?: Logger;
  /** How often an idle subscriber proves its connection is alive (default 5000 ms). */
  pingMs?: number;
}

type Listener = { claims: AccessClaims; notify: (signal: HubSignal) => void };

/**
 * Tells open `auth.sessionEvents` streams that their session was revoked, in one pub/sub hop.
 *
 * One dedicated subscriber connection per auth process (pub/sub needs its own connection), opened
 * on the first watcher and kept until {@link close}. Watchers are indexed by `jti`, `sid`, `sub` and `kid`,
 * so an event costs a few map look-ups whatever the number of open streams.
 *
 * Pub/sub is at-most-once: after every (re)subscription the hub tells each watcher to re-check
 * against Redis itself ({@link HubSignal} `subscribed`); since the writer sets the key and publishes in
 * one atomic step, a revocation is either in Redis before the SUBSCRIBE was acknowledged or delivered
 * after it. Callers also poll the auth app's own revocation cache as a backstop (see `watch-session.ts`).
 * The hub tells all its watchers at once, in one tick; their re-checks are batched into one Redis read
 * (`session-streams.ts`), so a reconnect costs one round trip, not one per open stream.
 */
export class SessionRevocationHub {
  readonly #channels: string[];
  readonly #redisUrl: string;
  readonly #cluster: RedisClusterConfig | undefined;
  readonly #log: Logger;
  readonly #pingMs: number;
  readonly #byKind = {
    jti: new Map<string, Set<Listener>>(),
    sid: new Map(),
    sub: new Map(),
    kid: new Map(),
  } as Record<RevocationEntry['kind'], Map<string, Set<Listener>>>;
  readonly #all = new Set<Listener>();
  #redis: RedisClient | undefined;
  #subscribed = false;
  #pingTimer: NodeJS.Timeout | undefined;
  #pingSentAt: number | null = null;
  #closed = false;

  constructor(options: SessionRevocationHubOptions) {
    const cluster = options.redisCluster;
    const keys = revocationKeys(options.prefix, {
      shards: cluster ? (cluster.shards ?? DEFAULT_CLUSTER_SHARDS) : undefined,
    });
    this.#channels = keys.shards.map((shard) => shard.channel);
    this.#redisUrl = options.redisUrl;
    this.#cluster = cluster;
    this.#log = options.logger ?? silentLogger;
    this.#pingMs = options.pingMs ?? 5000;
  }

  /** True while the channel subscription is confirmed. */
  get subscribed(): boolean {
    return this.#subscribed;
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
    this.#connect();
    if (this.#subscribed) queueMicrotask(() => this.#all.has(listener) && notify({ type: 'subscribed' }));
    return { stop: () => this.#remove(listener) };
  }

  /** Tells every watcher `closed` and drops the connection. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pingTimer);
    this.#redis?.disconnect();
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

  #connect(): void {
    if (this.#redis) return;
    const cluster = this.#cluster;
    const redis = createRedisClient({
      url: this.#redisUrl,
      cluster: cluster && { ...cluster, options: { ...cluster.options, shardedSubscribers: true } },
      redisOptions: {
        lazyConnect: true,
        // Never queue: a command on a dead connection fails, and the reconnect re-subscribes.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        // We re-subscribe ourselves, and only then tell watchers to re-check (ioredis's `ready` comes
        // before its own resubscription is acknowledged).
        autoResubscribe: false,
        retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
        connectionName: 'session-events',
      },
    });
    this.#redis = redis;
    redis.on('ready', () => void this.#subscribe(redis));
    redis.on('close', () => {
      this.#subscribed = false;
      this.#pingSentAt = null;
    });
    redis.on('error', (error: Error) =>
      this.#log.warn({ err: error.message }, 'session events: Redis error'),
    );
    redis.on('message', (_channel: string, message: string) => this.#onMessage(message));
    redis.on('smessage', (_channel: string, message: string) => this.#onMessage(message));
    if (isCluster(redis)) {
      // A failover replaced a subscriber connection: what was published meanwhile is lost, so re-check.
      redis.on('subscribersReady', () => {
        if (this.#subscribed) for (const listener of [...this.#all]) listener.notify({ type: 'subscribed' });
      });
    }
    redis.connect().catch(() => {});
    this.#pingTimer = setInterval(() => this.#ping(redis), this.#pingMs);
    this.#pingTimer.unref();
  }

  async #subscribe(redis: RedisClient): Promise<void> {
    try {
      if (isCluster(redis)) {
        // One SSUBSCRIBE per shard: each shard's channel lives on its own slot.
        await Promise.all(this.#channels.map((channel) => redis.ssubscribe(channel)));
      } else {
        await redis.subscribe(this.#channels[0]!);
      }
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'session events: subscribe failed; reconnecting');
      redis.disconnect(true);
      return;
    }
    this.#subscribed = true;
    for (const listener of [...this.#all]) listener.notify({ type: 'subscribed' });
  }

  /**
   * An idle subscriber on a frozen or half-open connection notices nothing unless it asks. In a cluster a
   * PING reaches a command connection, not the sharded subscribers, so it proves nothing there; the
   * callers' poll of the auth app's own revocation cache (whose feed proves every shard) is the backstop.
   */
  #ping(redis: RedisClient): void {
    if (!this.#subscribed || this.#closed || isCluster(redis)) return;
    if (this.#pingSentAt !== null) {
      if (Date.now() - this.#pingSentAt > 2 * this.#pingMs) {
        this.#log.warn({}, 'session events: ping unanswered; reconnecting');
        this.#pingSentAt = null;
        redis.disconnect(true);
      }
      return;
    }
    const sentAt = Date.now();
    this.#pingSentAt = sentAt;
    redis.ping().then(
      () => {
        if (this.#pingSentAt === sentAt) this.#pingSentAt = null;
      },
      () => {},
    );
  }

  #onMessage(message: string): void {
    let event: ReturnType<typeof revocationEventSchema.parse>;
    try {
      event = revocationEventSchema.parse(JSON.parse(message));
    } catch {
      return;
    }
    if (event.type === 'resync') {
      // Redis was re-seeded: whatever it holds now is the truth; let every watcher re-check.
      for (const listener of [...this.#all]) listener.notify({ type: 'subscribed' });
      return;
    }
    const { entry } = event;
    const candidates = this.#byKind[entry.kind].get(entry.id);
    if (!candidates) return;
    for (const listener of [...candidates]) {
      if (entryMatches(entry, listener.claims)) listener.notify({ type: 'revoked', entry });
    }
  }
}
