import {
  type AuthGuard,
  createRevocationGuard,
  type KeySource,
  type Logger,
  type RedisClusterConfig,
  type RevocationFeed,
  remoteKeys,
  type TokenVerifier,
} from '@revoke/auth';
import {
  createAuthGuard,
  createRedisClient,
  createTokenVerifier,
  readIssuerPolicy,
  redisTargetOf,
  resolveVerifierPolicy,
} from '@revoke/auth/internal';
import type { AuthMetrics } from '@revoke/auth/metrics';
import { accessTokenCookieName, secureCookiesByDefault } from '@revoke/auth/trpc';
import { type IssuerPolicy, revocationKeys } from '@revoke/auth/writer';

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
  /** See `RevocationFeedOptions.resyncJitterMs` (default 0). */
  resyncJitterMs?: number | undefined;
  maxLifetimeSec: number;
  logger: Logger;
  /** Default: the auth app's `/.well-known/jwks.json`, cached, with a cooldown on unknown `kid`s. */
  keys?: KeySource;
  /** Whether the auth app's cookies are Secure (default: as it decides from `authUrl`). */
  cookieSecure?: boolean | undefined;
  /**
   * This service's own audience for service tokens (`activity`), when it serves internal procedures:
   * then a second verifier accepts tokens the auth app minted for it (and only those; user tokens carry
   * the fleet's audience), checked against the same revocation feed.
   */
  serviceAudience?: string | undefined;
}

/** Everything a service needs to authenticate requests: verify, check revocation, count. */
export interface AuthStack {
  verifier: TokenVerifier;
  feed: RevocationFeed;
  guard: AuthGuard;
  /** Authenticates calling services' tokens; set when `serviceAudience` was given. */
  serviceGuard?: AuthGuard | undefined;
  /** The name of the cookie browsers send the access token in (`accessTokenCookieName`). */
  accessCookie: string;
  metrics: AuthMetrics;
  close(): Promise<void>;
}

/**
 * Builds the verifier (public keys only: a service can verify but never mint), the revocation feed
 * and the guard. The feed is not started: call `feed.start()` and report ready once it resolves.
 */
export function createAuthStack(options: AuthStackOptions): AuthStack {
  const keys = options.keys ?? remoteKeys(new URL('/.well-known/jwks.json', options.authUrl));
  // The package's facade: verifier, feed, guard and metrics from the service's settings.
  const auth = createRevocationGuard({
    issuer: options.authUrl,
    audience: options.audience,
    keys,
    redisUrl: options.redisUrl,
    redisCluster: options.redisCluster,
    prefix: options.prefix,
    staleAfterMs: options.staleAfterMs,
    // The feed's own default, whatever S: the facade's would follow S.
    heartbeatMs: 1000,
    resyncJitterMs: options.resyncJitterMs ?? 0,
    clockToleranceSec: options.clockToleranceSec,
    maxLifetimeSec: options.maxLifetimeSec,
    logger: options.logger,
  });
  const { serviceAudience } = options;
  if (serviceAudience === options.audience)
    throw new RangeError('the service audience must differ from the user tokens’ audience');
  const serviceGuard =
    serviceAudience === undefined
      ? undefined
      : createAuthGuard({
          verifier: createTokenVerifier({
            issuer: options.authUrl,
            audience: serviceAudience,
            keys,
            clockToleranceSec: options.clockToleranceSec,
            maxLifetimeSec: options.maxLifetimeSec,
          }),
          feed: auth.feed,
          logger: options.logger,
        });
  const accessCookie = accessTokenCookieName(options.cookieSecure ?? secureCookiesByDefault(options.authUrl));
  return {
    verifier: auth.verifier,
    feed: auth.feed,
    guard: auth,
    serviceGuard,
    accessCookie,
    metrics: auth.metrics,
    close: () => auth.close(),
  };
}

/** The settings of `serviceEnvShape` that the auth stack reads. */
export interface AuthStackEnv {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: string | undefined;
  REVOCATION_SHARDS?: number | undefined;
  REVOCATION_PREFIX: string;
  AUTH_URL: string;
  TOKEN_AUDIENCE: string;
  /** Unset: the auth app's. Set larger than the auth app's: the service refuses to start. */
  CLOCK_TOLERANCE_SEC?: number | undefined;
  REVOCATION_STALE_AFTER_MS: number;
  REVOCATION_RESYNC_JITTER_MS?: number | undefined;
  /** Unset: the auth app's access-token lifetime. Set larger: the service refuses to start. */
  MAX_TOKEN_LIFETIME_SEC?: number | undefined;
  /** This service's audience for service tokens, when it serves internal procedures. */
  SERVICE_AUDIENCE?: string | undefined;
  COOKIE_SECURE?: 'true' | 'false' | undefined;
}

/**
 * {@link createAuthStack} from a service's validated env, then starts its revocation feed.
 *
 * First it reads the auth app's token policy from Redis (waiting until the auth app has written it):
 * the clock tolerance and token lifetime that every revocation is kept for. Settings the service left
 * unset take those values; one set larger throws `IssuerPolicyError` (the service refuses to start),
 * since it would accept a revoked token after its revocation expired everywhere.
 *
 * With `waitForFeed` (the default) it resolves only once the first snapshot loaded (retrying until
 * Redis answers with an epoch); tests pass false to watch `/readyz` answer 503 until then.
 */
export async function startAuthStack(
  service: string,
  env: AuthStackEnv,
  options: { logger: Logger; keys?: KeySource | undefined; waitForFeed?: boolean | undefined },
): Promise<AuthStack> {
  const { logger } = options;
  const target = redisTargetOf(env);
  const issuer = await awaitIssuerPolicy(service, env, logger);
  const policy = resolveVerifierPolicy(
    { clockToleranceSec: env.CLOCK_TOLERANCE_SEC, maxTokenLifetimeSec: env.MAX_TOKEN_LIFETIME_SEC },
    issuer,
  );
  if (policy.maxTokenLifetimeSec < issuer.maxTokenLifetimeSec)
    logger.warn(
      { ...policy, issuer },
      `${service}: MAX_TOKEN_LIFETIME_SEC is below the auth app's token lifetime: its tokens will be refused here`,
    );
  const auth = createAuthStack({
    redisUrl: target.url,
    redisCluster: target.cluster,
    prefix: env.REVOCATION_PREFIX,
    authUrl: env.AUTH_URL,
    audience: env.TOKEN_AUDIENCE,
    clockToleranceSec: policy.clockToleranceSec,
    staleAfterMs: env.REVOCATION_STALE_AFTER_MS,
    resyncJitterMs: env.REVOCATION_RESYNC_JITTER_MS,
    maxLifetimeSec: policy.maxTokenLifetimeSec,
    logger,
    serviceAudience: env.SERVICE_AUDIENCE,
    cookieSecure: env.COOKIE_SECURE === undefined ? undefined : env.COOKIE_SECURE === 'true',
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

/** Reads the auth app's token policy, retrying every half second until Redis holds one. */
async function awaitIssuerPolicy(service: string, env: AuthStackEnv, logger: Logger): Promise<IssuerPolicy> {
  const target = redisTargetOf(env);
  const keys = revocationKeys(env.REVOCATION_PREFIX, {
    shards: target.cluster ? (env.REVOCATION_SHARDS ?? undefined) : undefined,
  });
  const redis = createRedisClient({
    ...target,
    redisOptions: { maxRetriesPerRequest: 1, connectionName: `${service}-policy` },
  });
  redis.on('error', () => {});
  let told = false;
  try {
    for (;;) {
      const policy = await readIssuerPolicy(redis, keys).catch((error: Error) => {
        if (error.name === 'IssuerPolicyError') throw error;
        return null;
      });
      if (policy) return policy;
      if (!told)
        logger.info(
          {},
          `${service}: waiting for the auth app's token policy in Redis (is the auth app running?)`,
        );
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    redis.disconnect();
  }
}
