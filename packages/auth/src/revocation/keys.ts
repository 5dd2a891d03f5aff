import type { RevocationKind } from '../claims.ts';

/**
 * Default namespace of every Redis key and channel this package uses.
 *
 * @example
 * ```ts
 * import { DEFAULT_PREFIX, revocationKeys } from '@revoke/auth/writer';
 *
 * revocationKeys(DEFAULT_PREFIX).epoch; // 'revoke:epoch'
 * ```
 */
export const DEFAULT_PREFIX = 'revoke:';

/** Default number of shards in a Redis Cluster: enough to spread over every master of a large cluster. */
export const DEFAULT_CLUSTER_SHARDS = 16;

/**
 * The names of one shard: its snapshot index, its event channel and its epoch.
 *
 * @example
 * ```ts
 * import { revocationKeys, type ShardKeys } from '@revoke/auth/writer';
 *
 * const shards: readonly ShardKeys[] = revocationKeys('revoke:', { shards: 16 }).shards;
 * shards[3]?.index; // 'revoke:{3}:index'
 * const live = await Promise.all(shards.map((shard) => cluster.zcard(shard.index)));
 * ```
 */
export interface ShardKeys {
  /** Sorted set of every live entry of the shard, scored by its expiry: what a snapshot reads. */
  readonly index: string;
  /** Pub/sub channel of {@link RevocationEvent}s (sharded pub/sub in a cluster). */
  readonly channel: string;
  /**
   * Random value set once Redis holds every live revocation. Missing means Redis lost its data
   * (restart, FLUSHALL, a failover to a replica that never had it) and has not been re-seeded yet,
   * so absence of a key proves nothing.
   */
  readonly epoch: string;
  /**
   * Stream of the shard's events, appended by the same script that writes each revocation and trimmed
   * by age: a feed that reconnects replays it from the last entry it applied instead of re-reading the index.
   */
  readonly stream: string;
}

/**
 * Redis names used by the writer and the feed. All live under one prefix so that several
 * deployments (or tests) can share a Redis without seeing each other.
 *
 * On a single Redis there is one shard and the names are `${prefix}index`, `${prefix}events`,
 * `${prefix}epoch`, `${prefix}stream` and `${prefix}<kind>:<id>`. In a Redis Cluster the data is split
 * into shards, each carrying a hash tag (`${prefix}{n}:index`, …, `${prefix}{n}:<kind>:<id>`): everything
 * one revocation touches (entry, index, stream, channel) sits in one slot, so the write stays one atomic script,
 * and the shards spread over every master.
 *
 * @example
 * ```ts
 * import { revocationKeys, type RevocationKeys } from '@revoke/auth/writer';
 *
 * const keys: RevocationKeys = revocationKeys('revoke:');
 * keys.entry('sid', claims.sid); // 'revoke:sid:<sid>'
 * keys.channel; // 'revoke:events'
 * ```
 */
export interface RevocationKeys extends ShardKeys {
  /** String key per revoked entry, expiring with it: what a direct check reads. */
  entry(kind: RevocationKind, id: string): string;
  /** Every shard; one on a single Redis. The top-level names are shard 0's. */
  readonly shards: readonly ShardKeys[];
  /** The shard that holds this entry. */
  shardOf(kind: RevocationKind, id: string): number;
  /** True when the names are hash-tagged for a Redis Cluster. */
  readonly cluster: boolean;
  /**
   * The auth app's token policy (clock tolerance, longest token lifetime) that every revocation is
   * kept for: services must not accept more (see `issuer-policy.ts`). One key, on shard 0.
   */
  readonly policy: string;
  /**
   * Ends every epoch the writer sets: `~s<shards>` in a cluster, so that a feed configured with another
   * number of shards (which would read the wrong shards and miss revocations) sees an epoch that is not
   * its own and refuses to trust Redis. Empty on a single Redis.
   */
  readonly epochSuffix: string;
}

/**
 * Options of {@link revocationKeys}.
 *
 * @example
 * ```ts
 * import { revocationKeys, type RevocationKeysOptions } from '@revoke/auth/writer';
 *
 * const options: RevocationKeysOptions = { shards: 16 }; // a Redis Cluster
 * const keys = revocationKeys('revoke:', options);
 * keys.entry('jti', jti); // 'revoke:{<n>}:jti:<jti>', where n = keys.shardOf('jti', jti)
 * ```
 */
export interface RevocationKeysOptions {
  /** Number of hash-tagged shards, for a Redis Cluster. Undefined: a single Redis (untagged names). */
  shards?: number | undefined;
}

/** FNV-1a (32 bits) over UTF-16 code units: stable across processes and versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Key names under `prefix`.
 *
 * @example
 * ```ts
 * import { revocationKeys } from '@revoke/auth/writer';
 *
 * const keys = revocationKeys('revoke:');
 * await redis.zcard(keys.index); // live revocations
 * ```
 */
export function revocationKeys(
  prefix: string = DEFAULT_PREFIX,
  options: RevocationKeysOptions = {},
): RevocationKeys {
  const { shards } = options;
  if (shards === undefined) {
    const only: ShardKeys = {
      index: `${prefix}index`,
      channel: `${prefix}events`,
      epoch: `${prefix}epoch`,
      stream: `${prefix}stream`,
    };
    return {
      ...only,
      entry: (kind, id) => `${prefix}${kind}:${id}`,
      shards: [only],
      shardOf: () => 0,
      cluster: false,
      policy: `${prefix}policy`,
      epochSuffix: '',
    };
  }
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) {
    throw new RangeError('shards must be a whole number from 1 to 1024');
  }
  const tagged = (n: number) => `${prefix}{${n}}:`;
  const all: ShardKeys[] = Array.from({ length: shards }, (_, n) => ({
    index: `${tagged(n)}index`,
    channel: `${tagged(n)}events`,
    epoch: `${tagged(n)}epoch`,
    stream: `${tagged(n)}stream`,
  }));
  const shardOf = (kind: RevocationKind, id: string) => fnv1a(`${kind}:${id}`) % shards;
  return {
    ...all[0]!,
    entry: (kind, id) => `${tagged(shardOf(kind, id))}${kind}:${id}`,
    shards: all,
    shardOf,
    cluster: true,
    policy: `${tagged(0)}policy`,
    epochSuffix: `~s${shards}`,
  };
}
