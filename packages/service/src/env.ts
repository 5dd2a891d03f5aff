import { clusterNodesProblem } from '@revoke/auth';
import { z } from 'zod';

/** A TCP port. */
export const portSchema = z.coerce.number().int().min(0).max(65_535);

/** An unset or empty variable is `undefined` (a blank line in a `.env` file means "not set"). */
export const optionalString = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/**
 * The settings every service reads (DESIGN §5). A service's own `src/env.ts` extends this object
 * with its port and data directory.
 */
export const serviceEnvShape = {
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** A Redis Cluster's seed nodes, comma-separated `host:port`; when set it wins over `REDIS_URL`. */
  REDIS_CLUSTER_NODES: optionalString.refine(
    (list) => list === undefined || clusterNodesProblem(list) === undefined,
    { message: 'must be comma-separated host:port pairs' },
  ),
  /** Revocation shards in a Redis Cluster; must match the auth app's. */
  REVOCATION_SHARDS: z.coerce.number().int().min(1).max(1024).default(16),
  /** Unset or empty: an embedded PGlite database per service under `.data/`. */
  DATABASE_URL: optionalString,
  AUTH_URL: z.url().default('http://127.0.0.1:4000'),
  NOTES_URL: z.url().default('http://127.0.0.1:4001'),
  ACTIVITY_URL: z.url().default('http://127.0.0.1:4002'),
  /** Redis namespace of revocations; the auth app's must match. */
  REVOCATION_PREFIX: z.string().default('revoke:'),
  /** `aud` that tokens must carry. */
  TOKEN_AUDIENCE: z.string().min(1).default('revoke'),
  /**
   * Clock skew allowed on token times. Unset: the auth app's (read from Redis at start); set larger
   * than the auth app's, the service refuses to start (it would outlive the revocations).
   */
  CLOCK_TOLERANCE_SEC: z.coerce.number().int().min(1).max(60).optional(),
  /** S: past this staleness the revocation cache's silence is not trusted (DESIGN §4). */
  REVOCATION_STALE_AFTER_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Longest access-token lifetime accepted (`exp - iat`). Unset: the auth app's; larger: refused at start. */
  MAX_TOKEN_LIFETIME_SEC: z.coerce.number().int().min(30).max(86_400).optional(),
  /**
   * Whether the auth app's cookies are `Secure`, which names the access-token cookie this service reads
   * (`__Host-access_token` when they are). Unset: as the auth app decides, from `AUTH_URL`.
   */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /** Origin of the web client: the only one CORS lets call the services with credentials. */
  WEB_ORIGIN: z.url().default('http://127.0.0.1:5173'),
  /** Set: `/metrics` requires `Authorization: Bearer <it>` (Prometheus `authorization` config). Unset: open. */
  METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** Parses `source` with `schema`; on failure prints one readable line per problem and exits. */
export function parseEnvOrExit<T extends z.ZodType>(
  service: string,
  schema: T,
  source: Record<string, string | undefined> = process.env,
): z.infer<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  console.error(`${service}: invalid configuration:\n${problems.join('\n')}`);
  process.exit(1);
}
