import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * A command connection to a single Redis or to a Redis Cluster.
 *
 * @example
 * ```ts
 * import { Cluster, Redis } from 'ioredis';
 * import { createRevocationWriter, type RedisClient } from '@revoke/auth/writer';
 *
 * const redis: RedisClient = process.env.REDIS_URL
 *   ? new Redis(process.env.REDIS_URL)
 *   : new Cluster([{ host: '10.0.0.1', port: 7000 }]);
 * const writer = createRevocationWriter({ redis });
 * ```
 */
export type RedisClient = Redis | Cluster;

/**
 * A node of a cluster seed list.
 *
 * @example
 * ```ts
 * import { type ClusterSeed, createRevocationGuard } from '@revoke/auth';
 *
 * const seed: ClusterSeed = { host: '10.0.0.1', port: 7000 };
 * const auth = createRevocationGuard({ issuer, audience: 'notes', redisCluster: { nodes: [seed, '10.0.0.2:7000'] } });
 * ```
 */
export interface ClusterSeed {
  host: string;
  port: number;
}

/**
 * Where a Redis Cluster is, and how its revocation data is split.
 *
 * @example
 * ```ts
 * import { createRevocationGuard, type RedisClusterConfig } from '@revoke/auth';
 *
 * const redisCluster: RedisClusterConfig = {
 *   nodes: ['10.0.0.1:7000', '10.0.0.2:7000', '10.0.0.3:7000'],
 *   options: { redisOptions: { password: process.env.REDIS_PASSWORD } },
 *   shards: 16, // the same as the writer's
 * };
 * const auth = createRevocationGuard({ issuer, audience: 'notes', redisCluster });
 * ```
 */
export interface RedisClusterConfig {
  /** Seed nodes (any reachable subset of the cluster): `host:port` strings or objects. */
  nodes: readonly (string | ClusterSeed)[];
  /** Extra ioredis cluster options (TLS, password in `redisOptions`, `natMap`, …). */
  options?: ClusterOptions;
  /** Number of revocation shards (default 16); writers and feeds of one deployment must agree. */
  shards?: number;
}

/** True for an ioredis `Cluster` (a type guard over {@link RedisClient}). */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/** Parses a `REDIS_CLUSTER_NODES` value: comma-separated `host:port` (IPv6 as `[::1]:7000`). */
export function parseClusterNodes(list: string): ClusterSeed[] {
  const nodes = list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(item);
      const port = Number(match?.[3]);
      if (!match || port < 1 || port > 65_535) throw new Error(`not a host:port cluster node: "${item}"`);
      return { host: (match[1] ?? match[2])!, port };
    });
  if (nodes.length === 0) throw new Error('the cluster node list is empty');
  return nodes;
}

function seeds(nodes: RedisClusterConfig['nodes']): ClusterSeed[] {
  return nodes.map((node) => (typeof node === 'string' ? parseClusterNodes(node)[0]! : node));
}

/**
 * A command client for `REDIS_URL` or, when `cluster` is given, for that Redis Cluster. `redisOptions`
 * apply to every node connection; options a cluster client takes at its own level (offline queue, lazy
 * connect) are lifted there.
 */
export function createRedisClient(target: {
  url?: string | undefined;
  cluster?: RedisClusterConfig | undefined;
  redisOptions?: RedisOptions;
}): RedisClient {
  const { cluster, redisOptions = {} } = target;
  if (!cluster) return new Redis(target.url ?? 'redis://127.0.0.1:6379', redisOptions);
  const { enableOfflineQueue, lazyConnect, retryStrategy, ...perNode } = redisOptions;
  return new Cluster(seeds(cluster.nodes), {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
    // A failed-over slot answers MOVED or CLUSTERDOWN for about a node timeout: retry briefly, then fail.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    // Notice a promoted replica within a second even when no command was redirected.
    slotsRefreshInterval: 1000,
    ...cluster.options,
    redisOptions: { ...perNode, ...cluster.options?.redisOptions },
  });
}

/** The Redis settings every service reads from its environment. */
export interface RedisEnv {
  REDIS_URL: string;
  /** Comma-separated `host:port` seed list; when set it wins over `REDIS_URL`. */
  REDIS_CLUSTER_NODES?: string | undefined;
  /** Revocation shards in a cluster (default 16). */
  REVOCATION_SHARDS?: number | undefined;
}

/** Where to connect, from a service's env: the cluster when `REDIS_CLUSTER_NODES` is set, else `REDIS_URL`. */
export function redisTargetOf(env: RedisEnv): { url: string; cluster?: RedisClusterConfig } {
  if (!env.REDIS_CLUSTER_NODES) return { url: env.REDIS_URL };
  return {
    url: env.REDIS_URL,
    cluster: {
      nodes: parseClusterNodes(env.REDIS_CLUSTER_NODES),
      ...(env.REVOCATION_SHARDS === undefined ? {} : { shards: env.REVOCATION_SHARDS }),
    },
  };
}

/** A zod-free check of a `REDIS_CLUSTER_NODES` value, for env schemas: the problem, or undefined when fine. */
export function clusterNodesProblem(list: string): string | undefined {
  try {
    parseClusterNodes(list);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
