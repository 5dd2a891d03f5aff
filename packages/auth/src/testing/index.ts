/** Test helpers for services built on `@revoke/auth`: a token signer, a private Redis and a private Redis Cluster. */

export { type PrivateRedisCluster, startPrivateRedisCluster } from './redis-cluster.ts';
export { type PrivateRedis, startPrivateRedis, testPrefix } from './redis-server.ts';
export { createTestSigner, type TestSigner, type TestSignerOptions } from './token-factory.ts';

/**
 * The token policy test harnesses write as the auth app would (see `writeIssuerPolicy`): the
 * verifier's defaults, so services under test verify test-signed tokens as before.
 *
 * @example
 * ```ts
 * import { TEST_ISSUER_POLICY } from '@revoke/auth/testing';
 *
 * await writer.setPolicy(TEST_ISSUER_POLICY);
 * ```
 */
export const TEST_ISSUER_POLICY = { clockToleranceSec: 5, maxTokenLifetimeSec: 3600 } as const;
