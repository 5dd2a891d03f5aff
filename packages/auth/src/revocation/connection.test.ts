import { describe, expect, it } from 'vitest';
import { parseClusterNodes, redisTargetOf } from './connection.ts';

describe('Redis connection settings', () => {
  it('parses a cluster seed list, IPv6 included', () => {
    expect(parseClusterNodes(' 10.0.0.1:7000,redis-2:7001 ,[::1]:7002')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    for (const bad of ['', 'host', 'host:0', 'host:70000', 'a:1,b'])
      expect(() => parseClusterNodes(bad)).toThrow();
  });

  it('takes the cluster when REDIS_CLUSTER_NODES is set, REDIS_URL otherwise', () => {
    expect(redisTargetOf({ REDIS_URL: 'redis://r:6379' })).toEqual({ url: 'redis://r:6379' });
    expect(
      redisTargetOf({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'a:1', REVOCATION_SHARDS: 4 }),
    ).toEqual({
      url: 'redis://r:6379',
      cluster: { nodes: [{ host: 'a', port: 1 }], shards: 4 },
    });
  });
});
