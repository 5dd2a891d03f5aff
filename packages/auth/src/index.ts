export type { AccessClaims, RevocationKind } from './claims.ts';
export {
  AUTH_ERROR_CODES,
  AUTH_ERROR_MESSAGES,
  AuthError,
  type AuthErrorCode,
  isAuthError,
} from './errors.ts';
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
  writeIssuerPolicy,
} from './revocation/issuer-policy.ts';
export {
  DEFAULT_CLUSTER_SHARDS,
  DEFAULT_PREFIX,
  type RevocationKeys,
  type RevocationKeysOptions,
  revocationKeys,
  type ShardKeys,
} from './revocation/keys.ts';
export {
  createRevocationWriter,
  type RevocationWriter,
  type RevocationWriterOptions,
} from './revocation/writer.ts';
export * from './verify/index.ts';
