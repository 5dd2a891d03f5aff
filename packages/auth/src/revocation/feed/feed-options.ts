import type { RedisOptions } from 'ioredis';
import type { AuthObserver, Logger } from '../../observer.ts';
import type { RevocationCache } from '../cache.ts';
import type { RedisClusterConfig } from '../connection.ts';
import type { RevocationEntry } from '../entry.ts';

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
  /**
   * Index members per ZSCAN (and stream entries per XRANGE) of a snapshot (default 1000). Smaller batches
   * keep each reply short, so the direct checks queued behind a snapshot on the same connection, and
   * other clients of Redis, wait less while a whole fleet reloads at once.
   */
  snapshotBatch?: number;
  /**
   * After an epoch change (Redis re-seeded), wait a random time up to this long before reloading
   * (default 0: at once). Every instance reloads on the same event: spread over about the time the herd
   * takes, they load one after another instead of all slowly together, and the direct checks of the
   * stale ones meanwhile find Redis responsive. The cache stays untrusted while it waits (requests are
   * checked against Redis), exactly as while it reloads. The heartbeat's retry of a reload that failed
   * waits the same way (a fleet's retries follow the same failure); the first snapshot and
   * the resync after a reconnection start at once.
   */
  resyncJitterMs?: number;
  observer?: AuthObserver;
  logger?: Logger;
}

/**
 * What `/readyz` and operators see.
 *
 * @example
 * ```ts
 * import type { FeedStatus } from '@revoke/auth';
 *
 * app.get('/readyz', (_req, res) => {
 *   const status: FeedStatus = auth.status(); // { ready, synced, stalenessMs, epoch, entries }
 *   res.status(status.ready ? 200 : 503).json(status);
 * });
 * ```
 */
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
 * What the feed applied to its cache: one entry from an event, or a completed resync (after which
 * anything may have been added unseen, since pub/sub is at-most-once: listeners re-check).
 */
export type FeedApplied = { type: 'entry'; entry: RevocationEntry } | { type: 'resynced' };
