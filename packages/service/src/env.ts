import { clusterNodesProblem } from '@revoke/auth/internal';
import { z } from 'zod';

/** A TCP port. */
export const portSchema = z.coerce.number().int().min(0).max(65_535);

/** An unset or empty variable is `undefined` (a blank line in a `.env` file means "not set"). */
export const optionalString = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/**
 * The settings every app reads, the auth app included (docs/architecture.md, "The contract"): where Redis and the database are,
 * the revocation namespace, the token audience, CORS, metrics and logs. An app's `src/env.ts` spreads
 * this (through {@link serviceEnvShape} for the services) and adds only its own.
 */
export const sharedEnvShape = {
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** A Redis Cluster's seed nodes, comma-separated `host:port`; when set it wins over `REDIS_URL`. */
  REDIS_CLUSTER_NODES: optionalString.refine(
    (list) => list === undefined || clusterNodesProblem(list) === undefined,
    { message: 'must be comma-separated host:port pairs' },
  ),
  /** Revocation shards in a Redis Cluster; every app of the deployment must use the same number. */
  REVOCATION_SHARDS: z.coerce.number().int().min(1).max(1024).default(16),
  /** Unset or empty: an embedded PGlite database per app under `.data/`. */
  DATABASE_URL: optionalString,
  /** Redis namespace of revocations; the same in every app. */
  REVOCATION_PREFIX: z.string().default('revoke:'),
  /** `aud` of every access token: the fleet of services that accept them. */
  TOKEN_AUDIENCE: z.string().min(1).default('revoke'),
  /** S: past this staleness the revocation cache's silence is not trusted (docs/architecture.md, "Revocation"). */
  REVOCATION_STALE_AFTER_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /**
   * After Redis is re-seeded, each instance reloads after a random delay up to this long, so a large
   * fleet reloads one after another instead of all at once (docs/scaling.md). 0 (default): at once.
   */
  REVOCATION_RESYNC_JITTER_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  /**
   * Whether the auth app's cookies are `Secure`, which names the access-token cookie the services read
   * (`__Host-access_token` when they are). Unset: as the auth app decides, from `AUTH_URL`.
   */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /** Origin of the web client: the only one CORS lets call the apps with credentials. */
  WEB_ORIGIN: z.url().default('http://127.0.0.1:5173'),
  /** Set: `/metrics` requires `Authorization: Bearer <it>` (Prometheus `authorization` config). Unset: open. */
  METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/**
 * The settings every internal service (notes, activity) reads: the shared ones, where the other apps
 * are, and the token policy, which the auth app decides unless set here. A service's own `src/env.ts`
 * spreads this with its placement (`appPlacementShape`) and its own variables.
 */
export const serviceEnvShape = {
  ...sharedEnvShape,
  AUTH_URL: z.url().default('http://127.0.0.1:4000'),
  NOTES_URL: z.url().default('http://127.0.0.1:4001'),
  ACTIVITY_URL: z.url().default('http://127.0.0.1:4002'),
  /**
   * Clock skew allowed on token times. Unset: the auth app's (read from Redis at start); set larger
   * than the auth app's, the service refuses to start (it would outlive the revocations).
   */
  CLOCK_TOLERANCE_SEC: z.coerce.number().int().min(1).max(60).optional(),
  /** Longest access-token lifetime accepted (`exp - iat`). Unset: the auth app's; larger: refused at start. */
  MAX_TOKEN_LIFETIME_SEC: z.coerce.number().int().min(30).max(86_400).optional(),
};
