import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serviceEnvShape } from './env.ts';

const schema = z.object(serviceEnvShape);

describe('serviceEnvShape', () => {
  it('runs with no configuration at all', () => {
    const env = schema.parse({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:6379',
      AUTH_URL: 'http://127.0.0.1:4000',
      REVOCATION_STALE_AFTER_MS: 3000,
    });
    // Taken from the auth app at start unless set.
    expect(env.CLOCK_TOLERANCE_SEC).toBeUndefined();
    expect(env.MAX_TOKEN_LIFETIME_SEC).toBeUndefined();
  });

  it('reads an empty DATABASE_URL as unset, and refuses nonsense', () => {
    expect(schema.parse({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(schema.safeParse({ AUTH_URL: 'not a url' }).success).toBe(false);
    expect(schema.safeParse({ CLOCK_TOLERANCE_SEC: '0' }).success).toBe(false);
    expect(schema.safeParse({ REVOCATION_STALE_AFTER_MS: 'soon' }).success).toBe(false);
  });

  it('takes a Redis Cluster seed list, and refuses one that is not host:port pairs', () => {
    const env = schema.parse({ REDIS_CLUSTER_NODES: '127.0.0.1:7000, 127.0.0.1:7001' });
    expect(env).toMatchObject({
      REDIS_CLUSTER_NODES: '127.0.0.1:7000, 127.0.0.1:7001',
      REVOCATION_SHARDS: 16,
    });
    expect(schema.parse({ REDIS_CLUSTER_NODES: '' }).REDIS_CLUSTER_NODES).toBeUndefined();
    expect(schema.safeParse({ REDIS_CLUSTER_NODES: '127.0.0.1' }).success).toBe(false);
    expect(schema.safeParse({ REVOCATION_SHARDS: '0' }).success).toBe(false);
  });
});
