/**
 * `@revoke/auth`: what a service needs to accept only valid, unrevoked access tokens. One facade,
 * {@link createRevocationGuard}, builds and closes everything; the framework adapters are subpaths
 * (`/express`, `/fastify`, `/fetch`, `/trpc`), the issuer's side is `/writer`.
 */
export type { AccessClaims, RevocationKind } from './claims.ts';
export {
  AUTH_ERROR_CODES,
  AUTH_ERROR_MESSAGES,
  AuthError,
  type AuthErrorCode,
  isAuthError,
} from './errors.ts';
export type { AuthenticateOptions, AuthGuard } from './guard.ts';
export type { Logger } from './observer.ts';
export type { ClusterSeed, RedisClusterConfig } from './revocation/connection.ts';
export type { FeedStatus, RevocationFeed } from './revocation/feed.ts';
export {
  createRevocationGuard,
  type RevocationGuard,
  type RevocationGuardOptions,
} from './revocation-guard.ts';
export {
  type KeySource,
  localKeys,
  type RemoteKeysOptions,
  remoteKeys,
} from './verify/key-source.ts';
export type { TokenVerifier } from './verify/verify-token.ts';
