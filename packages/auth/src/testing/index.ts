/** Test helpers for services built on `@revoke/auth`: a token signer and a private Redis. */

export { type PrivateRedis, startPrivateRedis, testPrefix } from './redis-server.ts';
export { createTestSigner, type TestSigner, type TestSignerOptions } from './token-factory.ts';
