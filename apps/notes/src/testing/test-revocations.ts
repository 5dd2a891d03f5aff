import { TEST_ISSUER_POLICY, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, type RevocationWriter } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';

/** A private Redis namespace of revocations, written as the auth app's relay would. */
export interface TestRevocations {
  redisUrl: string;
  prefix: string;
  writer: RevocationWriter;
  redis: Redis;
  /** Revokes one token by its `jti`, as logout does. */
  revoke(token: string): Promise<void>;
  /** Deletes every key of the namespace (the epoch and index never expire by themselves), disconnects. */
  close(): Promise<void>;
}

/**
 * A random prefix on the shared Redis (no FLUSHALL: other files run at the same time), with its
 * epoch written unless `setEpoch: false` (without an epoch no feed ever becomes ready).
 */
export async function createTestRevocations(
  options: { label?: string; setEpoch?: boolean } = {},
): Promise<TestRevocations> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix(options.label ?? 'notes');
  const redis = new Redis(redisUrl);
  const writer = createRevocationWriter({ redis, prefix });
  // What the auth app writes at start: services take their clock tolerance and token lifetime from it.
  await writer.setPolicy(TEST_ISSUER_POLICY);
  if (options.setEpoch ?? true) await writer.setEpoch();
  return {
    redisUrl,
    prefix,
    writer,
    redis,
    async revoke(token) {
      const { jti, exp } = decodeJwt(token);
      await writer.revokeToken({ jti: jti!, exp: exp! });
    },
    async close() {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Deletes every key under `prefix`, with SCAN (never KEYS) so a shared Redis is not blocked. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  }
}
