import type { RedisOptions } from 'ioredis';
import type { AccessClaims } from './claims.ts';
import { type AuthenticateOptions, type AuthGuard, createAuthGuard } from './guard.ts';
import { type AuthMetrics, createAuthMetrics } from './metrics.ts';
import type { Logger } from './observer.ts';
import type { RedisClusterConfig } from './revocation/connection.ts';
import { type FeedStatus, RevocationFeed } from './revocation/feed.ts';
import { type KeySource, remoteKeys } from './verify/key-source.ts';
import { createTokenVerifier, type TokenVerifier } from './verify/verify-token.ts';

const DEFAULT_STALE_AFTER_MS = 3000;

/**
 * Options of {@link createRevocationGuard}: where the tokens come from, and where the revocations are.
 *
 * @example
 * ```ts
 * import { createRevocationGuard, type RevocationGuardOptions } from '@revoke/auth';
 *
 * const options: RevocationGuardOptions = {
 *   issuer: 'https://auth.example.com',
 *   audience: 'notes',
 *   redisUrl: process.env.REDIS_URL,
 *   prefix: 'revoke:', // the writer's
 *   staleAfterMs: 3000,
 * };
 * const auth = createRevocationGuard(options);
 * ```
 */
export interface RevocationGuardOptions {
  /** The tokens' required `iss`: your auth server's URL, exactly as it writes it. */
  issuer: string;
  /** The audience this service requires in `aud` (its name). */
  audience: string;
  /**
   * Where the issuer serves its public keys (fetched, cached, refetched at most once per cooldown on an
   * unknown `kid`). Default: `/.well-known/jwks.json` on the issuer's origin.
   */
  jwksUrl?: string | URL | undefined;
  /** Public keys instead of `jwksUrl`: `localKeys(jwks)` for a static JWKS, or `remoteKeys(url, options)`. */
  keys?: KeySource | undefined;
  /** The Redis the issuer writes revocations to (default `redis://127.0.0.1:6379`). */
  redisUrl?: string | undefined;
  /** A Redis Cluster instead of `redisUrl`: `{ nodes: ['10.0.0.1:7000', …], shards? }`. */
  redisCluster?: RedisClusterConfig | undefined;
  /** Extra ioredis options for the feed's connections (TLS, password, …). */
  redisOptions?: RedisOptions | undefined;
  /** Key namespace; must match the writer's (default `revoke:`). */
  prefix?: string | undefined;
  /**
   * S: how long the local cache is trusted without proof that it is complete (default 3000 ms). Past it,
   * every request asks Redis directly, and is refused with 503 `REVOCATION_UNAVAILABLE` when Redis cannot
   * answer.
   */
  staleAfterMs?: number | undefined;
  /** How often the feed proves Redis and its channel alive (default a third of S, at most 1000 ms). */
  heartbeatMs?: number | undefined;
  /** Allowed clock skew for `exp`, `nbf`, `iat` (default 5 s). No larger than the writer's. */
  clockToleranceSec?: number | undefined;
  /** Longest token lifetime accepted, `exp - iat` (default 3600 s). */
  maxLifetimeSec?: number | undefined;
  /** After a re-seed of Redis, wait a random time up to this long before reloading (default 0). */
  resyncJitterMs?: number | undefined;
  /** Prometheus metrics to record into (default: a new `createAuthMetrics()`, with its own registry). */
  metrics?: AuthMetrics | undefined;
  /** Where to log (a pino logger fits; default: nothing is logged). */
  logger?: Logger | undefined;
}

/**
 * A service's whole authentication: an {@link AuthGuard} (pass it to any adapter as `guard`) plus the
 * parts it is built from, its readiness, and how to stop it.
 *
 * @example
 * ```ts
 * import { createRevocationGuard, type RevocationGuard } from '@revoke/auth';
 *
 * const auth: RevocationGuard = createRevocationGuard({ issuer: 'https://auth.example.com', audience: 'notes' });
 * await auth.start();
 * app.get('/metrics', async (_req, res) => res.type('text/plain').send(await auth.metrics.registry.metrics()));
 * process.on('SIGTERM', () => void auth.close());
 * ```
 */
export interface RevocationGuard extends AuthGuard {
  /**
   * The verified claims of a valid, unrevoked token, or a rejection with an `AuthError`:
   * `TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`, `TOKEN_REVOKED`, or `REVOCATION_UNAVAILABLE` (the
   * cache is stale past S and Redis cannot answer: fail closed, unless `failOpen`).
   */
  authenticate(token: unknown, options?: AuthenticateOptions): Promise<AccessClaims>;
  /** Connects to Redis; resolves once the first snapshot of every live revocation has loaded (retrying until it does). */
  start(): Promise<void>;
  /** True once the first snapshot has loaded: report ready (`/readyz`) only then. */
  readonly ready: boolean;
  /** The feed's state for `/readyz` and operators: `{ ready, synced, stalenessMs, epoch, entries }`. */
  status(): FeedStatus;
  /** Prometheus metrics of the checks and the feed; serve `metrics.registry.metrics()` at `/metrics`. */
  readonly metrics: AuthMetrics;
  /** The token verifier (signature, `typ`, `iss`, `aud`, times), without the revocation check. */
  readonly verifier: TokenVerifier;
  /** The revocation feed: the local cache of every live revocation and the Redis connections that fill it. */
  readonly feed: RevocationFeed;
  /** Stops the feed (its heartbeat, then its Redis connections). Idempotent; nothing is usable after it. */
  close(): Promise<void>;
}

/**
 * Builds everything a service needs to authenticate requests from a few options: the token verifier
 * (public keys from the issuer's JWKS), the revocation feed (a local cache of every live revocation,
 * kept complete by Redis pub/sub and snapshots), the guard that decides, and Prometheus metrics. Call
 * `start()` and report ready once it resolves; `close()` on shutdown. The result is itself the guard:
 * pass it to `createExpressAuth`, `createFastifyAuth`, `createFetchAuth` or `createAuthProcedure`.
 *
 * Options are checked here, so a misconfiguration throws at startup (a `TypeError` or `RangeError`),
 * never per request.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createRevocationGuard } from '@revoke/auth';
 * import { createExpressAuth } from '@revoke/auth/express';
 *
 * const auth = createRevocationGuard({
 *   issuer: 'https://auth.example.com', // JWKS at https://auth.example.com/.well-known/jwks.json
 *   audience: 'notes',
 *   redisUrl: process.env.REDIS_URL,
 *   staleAfterMs: 3000, // S
 * });
 * const app = express();
 * app.get('/me', createExpressAuth({ guard: auth }), (req, res) => res.json({ sub: req.auth!.sub }));
 * app.get('/readyz', (_req, res) => res.status(auth.ready ? 200 : 503).json(auth.status()));
 * await auth.start(); // the first snapshot: only then does "not revoked" mean anything
 * const server = app.listen(3000);
 * process.on('SIGTERM', () => server.close(() => void auth.close()));
 * ```
 */
export function createRevocationGuard(options: RevocationGuardOptions): RevocationGuard {
  const { issuer } = options;
  if (typeof issuer !== 'string' || issuer.length === 0)
    throw new TypeError('issuer must be a non-empty string');
  const keys = options.keys ?? remoteKeys(options.jwksUrl ?? new URL('/.well-known/jwks.json', issuer));
  const verifier = createTokenVerifier({
    issuer,
    audience: options.audience,
    keys,
    ...(options.clockToleranceSec === undefined ? {} : { clockToleranceSec: options.clockToleranceSec }),
    ...(options.maxLifetimeSec === undefined ? {} : { maxLifetimeSec: options.maxLifetimeSec }),
  });
  const metrics = options.metrics ?? createAuthMetrics();
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.min(1000, Math.floor(staleAfterMs / 3)));
  const feed = new RevocationFeed({
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    redisCluster: options.redisCluster,
    ...(options.redisOptions === undefined ? {} : { redisOptions: options.redisOptions }),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    staleAfterMs,
    heartbeatMs,
    ...(options.resyncJitterMs === undefined ? {} : { resyncJitterMs: options.resyncJitterMs }),
    observer: metrics,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  metrics.watch(feed);
  const guard = createAuthGuard({
    verifier,
    feed,
    observer: metrics,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  let closing: Promise<void> | undefined;
  return {
    authenticate: (token, authenticateOptions) => guard.authenticate(token, authenticateOptions),
    start: () => feed.start(),
    get ready() {
      return feed.ready;
    },
    status: () => feed.status(),
    metrics,
    verifier,
    feed,
    close() {
      closing ??= feed.close();
      return closing;
    },
  };
}
