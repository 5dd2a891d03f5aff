/** Test helpers for services built on `@revoke/auth`: a token signer, a private Redis and a private Redis Cluster. */

export { type PrivateRedisCluster, startPrivateRedisCluster } from './redis-cluster.ts';
export { type PrivateRedis, startPrivateRedis, testPrefix } from './redis-server.ts';
export { createTestSigner, type TestSigner, type TestSignerOptions } from './token-factory.ts';
