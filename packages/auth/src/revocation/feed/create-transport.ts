import { ClusterTransport } from './cluster-transport.ts';
import { SingleRedisTransport } from './single-redis-transport.ts';
import type { FeedTransport, TransportOptions } from './transport.ts';

/** The cluster transport when a cluster is configured, else the single-Redis one. */
export function createTransport(options: TransportOptions): FeedTransport {
  const { redisCluster } = options;
  return redisCluster
    ? new ClusterTransport({ ...options, redisCluster })
    : new SingleRedisTransport(options);
}
