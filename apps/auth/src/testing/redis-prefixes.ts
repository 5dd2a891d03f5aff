import { testPrefix } from '@revoke/auth/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * A test file's Redis client and key prefixes on the shared Redis: each test takes a prefix of its own
 * (`prefix(label)`), and after it only those keys are removed (SCAN, never KEYS or FLUSHALL), since
 * other files run at the same time. Registers its own vitest hooks.
 */
export function useRedisPrefixes(): {
  /** Connected and ready before the first test (counters would start in memory otherwise). */
  redis: () => Redis;
  prefix(label: string): string;
  scanKeys(prefix: string): Promise<string[]>;
} {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
    await redis.ping();
  });
  afterEach(async () => {
    for (const prefix of prefixes.splice(0)) {
      const keys = await scanKeys(prefix);
      if (keys.length > 0) await redis.del(...keys);
    }
  });
  afterAll(() => redis.quit());

  async function scanKeys(prefix: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  return {
    redis: () => redis,
    prefix(label) {
      const prefix = testPrefix(label);
      prefixes.push(prefix);
      return prefix;
    },
    scanKeys,
  };
}
