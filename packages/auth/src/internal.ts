/**
 * `@revoke/auth/internal`: the plumbing this workspace's apps, tests and benchmarks build on (Redis and
 * cluster connections, the feed and its cache, revocation entries, the guard's parts). Not published:
 * the package's `publishConfig.exports` maps this subpath to `null`, and nothing here is covered by semver.
 */
export { type AuthenticateOptions, type AuthGuard, type AuthGuardOptions, createAuthGuard } from './guard.ts';
export { type AuthObserver, type CheckResult, type Logger, silentLogger } from './observer.ts';
export { RevocationCache } from './revocation/cache.ts';
export {
  type ClusterSeed,
  clusterNodesProblem,
  createRedisClient,
  isCluster,
  parseClusterNodes,
  type RedisClient,
  type RedisClusterConfig,
  type RedisEnv,
  redisTargetOf,
} from './revocation/connection.ts';
export {
  canonicalId,
  entryMatches,
  lookupIds,
  type RevocationEntry,
  type RevocationEvent,
  revocationEntrySchema,
  revocationEventSchema,
} from './revocation/entry.ts';
export {
  type FeedApplied,
  type FeedStatus,
  RevocationFeed,
  type RevocationFeedOptions,
} from './revocation/feed.ts';
export {
  type IssuerPolicy,
  IssuerPolicyError,
  readIssuerPolicy,
  resolveVerifierPolicy,
} from './revocation/issuer-policy.ts';
export { DEFAULT_CLUSTER_SHARDS } from './revocation/keys.ts';
export { createTokenVerifier, type TokenVerifierOptions } from './verify/verify-token.ts';
