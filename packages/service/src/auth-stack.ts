import {
  type AuthGuard,
  createAuthGuard,
  createTokenVerifier,
  type KeySource,
  type Logger,
  type RedisClusterConfig,
  RevocationFeed,
  redisTargetOf,
  remoteKeys,
  type TokenVerifier,
} from '@revoke/auth';
import { type AuthMetrics, createAuthMetrics } from '@revoke/auth/metrics';

export interface AuthStackOptions {
  redisUrl: string;
  /** A Redis Cluster instead of `redisUrl`. */
  redisCluster?: RedisClusterConfig | undefined;
  prefix: string;
  /** The auth app's URL: the tokens' `iss`, and where its JWKS is served. */
  authUrl: string;
  audience: string;
  clockToleranceSec: number;
  staleAfterMs: number;
  maxLifetimeSec: number;
  logger: Logger;
  /** Default: the auth app's `/.well-known/jwks.json`, cached, with a cooldown on unknown `kid`s. */
  keys?: KeySource;
}

/** Everything a service needs to authenticate requests: verify, check revocation, count. */
export interface AuthStack {
  verifier: TokenVerifier;
  feed: RevocationFeed;
  guard: AuthGuard;
  metrics: AuthMetrics;
  close(): Promise<void>;
}

/**
 * Builds the verifier (public keys only: a service can verify but never mint), the revocation feed
 * and the guard. The feed is not started: call `feed.start()` and report ready once it resolves.
 */
export function createAuthStack(options: AuthStackOptions): AuthStack {
  const metrics = createAuthMetrics();
  const verifier = createTokenVerifier({
    issuer: options.authUrl,
    audience: options.audience,
    keys: options.keys ?? remoteKeys(new URL('/.well-known/jwks.json', options.authUrl)),
    clockToleranceSec: options.clockToleranceSec,
    maxLifetimeSec: options.maxLifetimeSec,
  });
  const feed = new RevocationFeed({
    redisUrl: options.redisUrl,
    redisCluster: options.redisCluster,
    prefix: options.prefix,
    staleAfterMs: options.staleAfterMs,
    observer: metrics,
    logger: options.logger,
  });
  metrics.watch(feed);
  const guard = createAuthGuard({ verifier, feed, observer: metrics, logger: options.logger });
  return { verifier, feed, guard, metrics, close: () => feed.close() };
}

/** The settings of `serviceEnvShape` that the auth stack reads. */
export interface AuthStackEnv {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: string | undefined;
  REVOCATION_SHARDS?: number | undefined;
  REVOCATION_PREFIX: string;
  AUTH_URL: string;
  TOKEN_AUDIENCE: string;
  CLOCK_TOLERANCE_SEC: number;
  REVOCATION_STALE_AFTER_MS: number;
  MAX_TOKEN_LIFETIME_SEC: number;
}

/**
 * {@link createAuthStack} from a service's validated env, then starts its revocation feed. With
 * `waitForFeed` (the default) it resolves only once the first snapshot loaded (retrying until Redis
 * answers with an epoch); tests pass false to watch `/readyz` answer 503 until then.
 */
export async function startAuthStack(
  service: string,
  env: AuthStackEnv,
  options: { logger: Logger; keys?: KeySource | undefined; waitForFeed?: boolean | undefined },
): Promise<AuthStack> {
  const { logger } = options;
  const target = redisTargetOf(env);
  const auth = createAuthStack({
    redisUrl: target.url,
    redisCluster: target.cluster,
    prefix: env.REVOCATION_PREFIX,
    authUrl: env.AUTH_URL,
    audience: env.TOKEN_AUDIENCE,
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
    staleAfterMs: env.REVOCATION_STALE_AFTER_MS,
    maxLifetimeSec: env.MAX_TOKEN_LIFETIME_SEC,
    logger,
    ...(options.keys ? { keys: options.keys } : {}),
  });
  const firstSnapshot = auth.feed.start();
  if (options.waitForFeed ?? true) {
    const redis = env.REDIS_CLUSTER_NODES ? `cluster ${env.REDIS_CLUSTER_NODES}` : env.REDIS_URL;
    logger.info({ redis }, `${service}: waiting for the revocation feed's first snapshot`);
    await firstSnapshot;
  }
  return auth;
}
