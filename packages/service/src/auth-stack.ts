import {
  type AuthGuard,
  createAuthGuard,
  createTokenVerifier,
  type KeySource,
  type Logger,
  RevocationFeed,
  remoteKeys,
  type TokenVerifier,
} from '@revoke/auth';
import { type AuthMetrics, createAuthMetrics } from '@revoke/auth/metrics';

export interface AuthStackOptions {
  redisUrl: string;
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
    prefix: options.prefix,
    staleAfterMs: options.staleAfterMs,
    observer: metrics,
    logger: options.logger,
  });
  metrics.watch(feed);
  const guard = createAuthGuard({ verifier, feed, observer: metrics, logger: options.logger });
  return { verifier, feed, guard, metrics, close: () => feed.close() };
}
