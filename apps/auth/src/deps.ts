import type { AuthGuard, TokenVerifier } from '@revoke/auth';
import {
  createAuthGuard,
  createRedisClient,
  createTokenVerifier,
  RevocationFeed,
  redisTargetOf,
} from '@revoke/auth/internal';
import { createRevocationWriter, type RedisClient, type RevocationWriter } from '@revoke/auth/writer';
import { createDb } from '@revoke/db';
import type { AuthDb } from '@revoke/db/auth';
import { type Logger, pino } from 'pino';
import { createPasswordHasher, type PasswordHasher } from './accounts/passwords.ts';
import { createUserRepository, type UserRepository } from './accounts/users.ts';
import { type AppMetrics, createAppMetrics } from './app-metrics.ts';
import { type AuditTrail, createAuditTrail } from './audit-trail.ts';
import type { Env } from './env.ts';
import { type AuthBudgets, createAuthBudgets } from './http/budgets.ts';
import { createLoginRateLimiter, type LoginRateLimiter } from './http/rate-limit.ts';
import { pruneOnce } from './maintenance/prune.ts';
import { prunePolicyOf } from './maintenance/prune-policy.ts';
import { Pruner } from './maintenance/pruner.ts';
import { type ClientRegistry, createClientRegistry } from './oauth/client-registry.ts';
import { configuredClientsOf } from './oauth/service-clients.ts';
import { assertNoEviction, RedisGuardian } from './revocation/redis-guardian.ts';
import { RevocationRelay } from './revocation/revocation-relay.ts';
import { createRevoker, type Revoker } from './revocation/revoker.ts';
import { type AccessTokenIssuer, createAccessTokenIssuer } from './tokens/access-tokens.ts';
import { keySourceOf } from './tokens/key-source-of.ts';
import { createSigningKeyStore, type SigningKeyStore } from './tokens/signing-keys.ts';

/** Everything the auth app's server and procedures use, built once at start and passed down. */
export interface AuthDeps {
  env: Env;
  logger: Logger;
  db: AuthDb;
  /** A single Redis, or a Redis Cluster when `REDIS_CLUSTER_NODES` is set. */
  redis: RedisClient;
  keys: SigningKeyStore;
  tokens: AccessTokenIssuer;
  verifier: TokenVerifier;
  feed: RevocationFeed;
  guard: AuthGuard;
  writer: RevocationWriter;
  relay: RevocationRelay;
  guardian: RedisGuardian;
  revoker: Revoker;
  users: UserRepository;
  passwords: PasswordHasher;
  rateLimiter: LoginRateLimiter;
  /** Per-address, per-user and per-session budgets of the calls that cost work or storage. */
  budgets: AuthBudgets;
  /** The confidential OAuth clients: configured (env) and registered (`admin client create`). */
  clients: ClientRegistry;
  audit: AuditTrail;
  metrics: AppMetrics;
  /** Stops background work and closes every connection. */
  close(): Promise<void>;
}

/**
 * Connects to Postgres (or PGlite) and Redis, refuses an evicting Redis, loads the signing keys,
 * re-seeds Redis if it lost its data, and waits for the revocation feed's first snapshot.
 */
export async function buildDeps(
  env: Env,
  logger: Logger = pino({ level: env.LOG_LEVEL }),
): Promise<AuthDeps> {
  const database = await createDb({
    service: 'auth',
    url: env.DATABASE_URL,
    dataDir: env.AUTH_DATA_DIR,
    onPoolError: (error) => logger.warn({ err: error.message }, 'postgres: idle connection failed'),
  });
  const db = database.db;
  // Fail fast rather than queue: a request must not hang on a Redis that is down.
  const target = redisTargetOf(env);
  const where = target.cluster ? `the Redis Cluster ${env.REDIS_CLUSTER_NODES}` : env.REDIS_URL;
  const redis = createRedisClient({
    ...target,
    redisOptions: {
      enableOfflineQueue: false,
      commandTimeout: 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(100 * attempt, 1000),
      lazyConnect: true,
    },
  });
  redis.on('error', (error: Error) => logger.debug({ err: error.message }, 'redis: connection error'));
  const closeAll = async () => {
    redis.disconnect();
    await database.close();
  };
  try {
    await redis.connect().catch((error: Error) => {
      throw new Error(
        `Redis is not reachable at ${where} (${error.message}); start one with: docker compose up -d redis`,
      );
    });
    await assertNoEviction(redis);
  } catch (error) {
    await closeAll();
    throw error;
  }

  const metrics = createAppMetrics();
  const keys = createSigningKeyStore({
    db,
    maxTokenLifetimeSec: env.ACCESS_TOKEN_TTL_SEC,
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
    // A key withdrawn by any auth process leaves this one's JWKS and stops signing within one pub/sub
    // hop, not at the next reload (only called once the feed below exists).
    isWithdrawn: (kid) => feed.cache.isKeyWithdrawn(kid),
  });
  await keys.init();
  const tokens = createAccessTokenIssuer({
    keys,
    issuer: env.ISSUER,
    audience: env.TOKEN_AUDIENCE,
    ttlSec: env.ACCESS_TOKEN_TTL_SEC,
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
  });
  // Another auth process may rotate: reload well within the publish delay, so nobody signs with a retired key.
  const keyReload = setInterval(() => void keys.reload().catch(() => {}), 15_000);
  keyReload.unref();
  const verifier = createTokenVerifier({
    issuer: env.ISSUER,
    audience: env.TOKEN_AUDIENCE,
    keys: keySourceOf(keys),
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
    maxLifetimeSec: env.ACCESS_TOKEN_TTL_SEC,
  });
  const writer = createRevocationWriter({
    redis,
    shards: env.REVOCATION_SHARDS,
    replicaWait:
      env.REDIS_REPLICA_WAIT_MS > 0 ? { replicas: 1, timeoutMs: env.REDIS_REPLICA_WAIT_MS } : undefined,
    prefix: env.REVOCATION_PREFIX,
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
    streamRetentionMs: env.REVOCATION_STREAM_RETENTION_MS,
  });
  const relay = new RevocationRelay({ db, writer, logger, onDelivered: metrics.relayed });
  const guardian = new RedisGuardian({
    db,
    redis,
    writer,
    logger,
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
    policy: { clockToleranceSec: env.CLOCK_TOLERANCE_SEC, maxTokenLifetimeSec: env.ACCESS_TOKEN_TTL_SEC },
    onReseed: metrics.reseeded,
  });
  const feed = new RevocationFeed({
    redisUrl: target.url,
    redisCluster: target.cluster,
    prefix: env.REVOCATION_PREFIX,
    staleAfterMs: env.REVOCATION_STALE_AFTER_MS,
    resyncJitterMs: env.REVOCATION_RESYNC_JITTER_MS,
    observer: metrics.auth,
    logger,
  });
  metrics.auth.watch(feed);
  metrics.watchRelayLag(() => relay.lagSeconds());
  const guard = createAuthGuard({ verifier, feed, observer: metrics.auth, logger });
  const revoker = createRevoker({
    db,
    relay,
    logger,
    accessTtlSec: env.ACCESS_TOKEN_TTL_SEC,
    publishWaitMs: env.REVOCATION_PUBLISH_WAIT_MS,
    onRevoked: metrics.revoked,
  });

  // Order matters: Redis must hold every live revocation (and an epoch) before the feed can be ready.
  await guardian.start();
  relay.start();
  await feed.start();
  const pruner = new Pruner({
    prune: (signal) => pruneOnce(db, prunePolicyOf(env), { signal }),
    logger,
    intervalMs: env.PRUNE_INTERVAL_SEC * 1000,
    onPruned: metrics.pruned,
  });
  pruner.start();

  return {
    env,
    logger,
    db,
    redis,
    keys,
    tokens,
    verifier,
    feed,
    guard,
    writer,
    relay,
    guardian,
    revoker,
    users: createUserRepository(db),
    passwords: createPasswordHasher(),
    rateLimiter: createLoginRateLimiter({
      redis,
      prefix: `${env.REVOCATION_PREFIX}login-limit:`,
      perIp: { points: env.LOGIN_MAX_PER_IP, durationSec: env.LOGIN_WINDOW_SEC },
      perAccount: { points: env.LOGIN_MAX_FAILURES, durationSec: env.LOGIN_WINDOW_SEC },
      perAccountAnywhere: { points: env.LOGIN_MAX_ACCOUNT_FAILURES, durationSec: env.LOGIN_WINDOW_SEC },
      maxLockoutSec: env.LOGIN_LOCKOUT_MAX_SEC,
      knownAddressTtlSec: env.LOGIN_KNOWN_ADDRESS_DAYS * 86_400,
    }),
    budgets: createAuthBudgets({ env, redis, db }),
    clients: createClientRegistry({ db, configured: configuredClientsOf(env) }),
    audit: createAuditTrail(db),
    metrics,
    async close() {
      clearInterval(keyReload);
      guardian.stop();
      relay.stop();
      await pruner.stop();
      await feed.close();
      await closeAll();
    },
  };
}
