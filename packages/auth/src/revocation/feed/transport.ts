import type { RedisOptions } from 'ioredis';
import type { AccessClaims } from '../../claims.ts';
import type { Logger } from '../../observer.ts';
import type { RevocationCache } from '../cache.ts';
import type { RedisClient, RedisClusterConfig } from '../connection.ts';
import type { SnapshotOptions, SnapshotResult } from '../snapshot.ts';

/** What a transport reports to the feed. */
export interface TransportEvents {
  /** A raw message on a shard's revocation channel (shard 0 on a single Redis). */
  message(message: string, shard: number): void;
  /** The subscription is acknowledged (on every shard): a snapshot taken from now on is gap-free. */
  subscribed(): void;
  /** The subscriber connection dropped or changed: events may have been lost from here on. */
  gap(): void;
  /** The command connection is (again) usable. */
  commandsReady(): void;
}

/**
 * How the feed talks to Redis, a single server or a Cluster: the policy (when to trust, when to snapshot)
 * stays in the feed and its state; a transport only moves messages and answers reads.
 */
export interface FeedTransport {
  /**
   * True when a heartbeat's answer also proves the subscription live (a cluster's per-shard echo), not
   * only the connection (a PING).
   */
  readonly heartbeatConfirmsSubscription: boolean;
  /** Number of revocation shards read (1 on a single Redis). */
  readonly shardCount: number;
  /** Starts connecting; reports through `events`. */
  start(events: TransportEvents): void;
  /** The subscriber is connected, so a heartbeat may be sent. */
  canHeartbeat(): boolean;
  /**
   * Proves delivery: resolves, with Redis's combined epoch, once everything published before the call has
   * been delivered. It may never settle (a lost echo); the feed's heartbeat loop times it out.
   */
  heartbeat(): Promise<string | null>;
  /** The last heartbeat went unanswered for too long. */
  heartbeatLost(): void;
  /** The command connection is ready, so a snapshot may run. */
  canSnapshot(): boolean;
  /** Brings `cache` up to date: from each shard's stream where it reaches back to `options.from`, else whole. */
  snapshot(cache: RevocationCache, options: SnapshotOptions): Promise<SnapshotResult>;
  /**
   * The direct check's reads: a trust marker (null when Redis holds no epoch where these keys live), then
   * the entries of the token's jti, sid, sub (its not-before) and kid, each null when absent.
   */
  readEntries(claims: AccessClaims): Promise<(string | null)[]>;
  /** Drops every connection. */
  close(): void;
}

/** Where the feed's connections go. */
export interface TransportOptions {
  redisUrl: string;
  redisCluster?: RedisClusterConfig | undefined;
  redisOptions?: RedisOptions | undefined;
  prefix: string;
  logger: Logger;
}

/** Options both transports' connections share. */
export function feedConnectionOptions(extra: RedisOptions | undefined): RedisOptions {
  return {
    ...extra,
    lazyConnect: true,
    // Fail fast instead of queueing: a queued command on the request path is a hang.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  };
}

/** Logs the errors of the subscriber and command connections (ioredis throws on unhandled ones). */
export function logConnectionErrors(log: Logger, subscriber: RedisClient, commands: RedisClient): void {
  for (const [name, connection] of [
    ['subscriber', subscriber],
    ['command', commands],
  ] as const) {
    connection.on('error', (error: Error) =>
      log.warn({ err: error.message, connection: name }, 'revocation feed: Redis error'),
    );
  }
}

/** Connects both lazily-created connections unless they already are. */
export function connectAll(...connections: RedisClient[]): void {
  for (const connection of connections) {
    if (connection.status === 'wait') connection.connect().catch(() => {});
  }
}
