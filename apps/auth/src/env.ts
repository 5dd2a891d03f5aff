import { secureCookiesByDefault } from '@revoke/auth/trpc';
import { appPlacementShape, defineAppEnv, sharedEnvShape } from '@revoke/service';
import { z } from 'zod';
import { parseServiceClients } from './oauth/service-clients.ts';

/** A bounded whole number with a default. */
const seconds = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The auth app's configuration: the settings every app shares, its port, host and data directory
 * (`AUTH_PORT` 4000, `AUTH_HOST`, `AUTH_DATA_DIR` `.data/auth`), and its own below. Defaults run the
 * stack on one machine with no configuration at all.
 */
const authEnv = defineAppEnv(
  'auth',
  {
    ...sharedEnvShape,
    ...appPlacementShape('auth', 4000),
    /** Where the auth app is reached: the tokens' `iss`. Unset: `http://127.0.0.1:<AUTH_PORT>`. */
    AUTH_URL: z.url().optional(),
    /**
     * With replicas (a cluster, or a replicated Redis): after each revocation, wait up to this long for one
     * replica to hold it (`WAIT 1`), shrinking what a failover can lose. 0 (default): do not wait.
     */
    REDIS_REPLICA_WAIT_MS: seconds(0, 5000, 0),
    /**
     * How long each revocation stays in Redis's revocation stream: a service disconnected for less catches
     * up by replaying it; after a longer outage it reads every live revocation again. 10 minutes by default.
     */
    REVOCATION_STREAM_RETENTION_MS: z.coerce
      .number()
      .int()
      .min(10_000)
      .max(24 * 3600_000)
      .default(600_000),
    /** Access-token lifetime: short, since a token outlives nothing but its revocation (docs/architecture.md, "Tokens"). */
    ACCESS_TOKEN_TTL_SEC: seconds(30, 3600, 900),
    REFRESH_TOKEN_TTL_SEC: seconds(300, 90 * 24 * 3600, 30 * 24 * 3600),
    /** Two tabs refreshing with the same token within this window is not reuse. */
    REFRESH_REUSE_GRACE_SEC: seconds(0, 60, 5),
    /**
     * How long a logout waits for Redis to take its revocation before answering 503 "not yet confirmed
     * everywhere" (it stays committed and is delivered later). As long as S by default: a busy machine
     * can take more than a second to relay, and that is no reason to fail a logout.
     */
    REVOCATION_PUBLISH_WAIT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
    /** At least 1: a token issued right after "log out everywhere" carries an `iat` up to 1 s ahead. */
    CLOCK_TOLERANCE_SEC: seconds(1, 60, 5),
    /**
     * Services that may get service tokens at `/oauth/token` (client credentials) to call other
     * services' internal procedures: comma-separated `id:secret` (secrets of 32 characters or more).
     * Unset: none (notes then cannot record activity).
     */
    SERVICE_CLIENTS: z
      .string()
      .optional()
      .transform((list, context) => {
        try {
          return parseServiceClients(list ?? '');
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Lifetime of a service token; no longer than an access token's (default 300 s, or that if shorter). */
    SERVICE_TOKEN_TTL_SEC: z.coerce.number().int().min(30).max(3600).optional(),
    /** Secret of the client allowed to call `/oauth/introspect` (HTTP Basic, client id `introspect`). Unset: introspection is refused. */
    INTROSPECTION_SECRET: z.string().min(16).optional(),
    /** Failed logins allowed per account and IP within the window, then 429. */
    LOGIN_MAX_FAILURES: seconds(1, 10_000, 10),
    /** Login attempts allowed per IP within the window. */
    LOGIN_MAX_PER_IP: seconds(1, 1_000_000, 100),
    LOGIN_WINDOW_SEC: seconds(1, 86_400, 900),
    /**
     * Failed logins allowed per account within the window from all the addresses it has not signed in
     * from recently; past it those addresses are locked out for a window, doubling per lockout within a
     * day up to `LOGIN_LOCKOUT_MAX_SEC`. Known addresses keep their per account+IP budget.
     */
    LOGIN_MAX_ACCOUNT_FAILURES: seconds(1, 100_000, 50),
    LOGIN_LOCKOUT_MAX_SEC: seconds(1, 7 * 86_400, 4 * 3600),
    /** An address (IPv4, or IPv6 /64) the account signed in from stays exempt from its lockout this long. */
    LOGIN_KNOWN_ADDRESS_DAYS: seconds(1, 365, 30),
    /** Registrations per address (IPv4, or IPv6 /64) within the window: each costs an argon2 hash. */
    REGISTER_MAX_PER_IP: seconds(1, 1_000_000, 20),
    REGISTER_WINDOW_SEC: seconds(1, 86_400, 3600),
    /** Revoking calls (logout, revokeSession, /oauth/revoke; logoutAll apart) per user within the window. */
    REVOKE_MAX_PER_USER: seconds(1, 1_000_000, 60),
    REVOKE_WINDOW_SEC: seconds(1, 86_400, 600),
    /** Refreshes per session within the window. */
    REFRESH_MAX_PER_SESSION: seconds(1, 1_000_000, 120),
    REFRESH_WINDOW_SEC: seconds(1, 86_400, 600),
    /**
     * Open `auth.sessionEvents` streams per session, then 429. Every tab of a browser shares its session
     * and holds one stream (two for a moment while it refreshes), so this sits far above any tab count.
     * Counted per auth process (see `sessions/stream-slots.ts`).
     */
    SESSION_EVENTS_MAX_PER_SESSION: seconds(1, 1000, 32),
    /** Open `auth.sessionEvents` streams per user over all their sessions (devices), then 429; per process. */
    SESSION_EVENTS_MAX_PER_USER: seconds(1, 10_000, 100),
    /**
     * How often expired rows are pruned (`maintenance/prune.ts`), with ±25 % jitter; one instance at a
     * time (an advisory lock). 0: never on a timer (run `admin prune` from a scheduler instead).
     */
    PRUNE_INTERVAL_SEC: seconds(0, 86_400, 600),
    /** Rows per pruning `DELETE`, each its own short transaction. */
    PRUNE_BATCH_SIZE: seconds(1, 10_000, 1000),
    /** Rows per pruning run over every table; the next run goes on. */
    PRUNE_MAX_ROWS_PER_RUN: seconds(1, 10_000_000, 100_000),
    /** An ended session is kept this long, so a page learns why it was signed out (minutes would do). */
    SESSION_ENDED_RETENTION_SEC: seconds(300, 90 * 86_400, 86_400),
    /** Audit rows are kept this many days, for investigations; 0 keeps them forever. */
    AUDIT_RETENTION_DAYS: seconds(0, 3650, 90),
  },
  (object) =>
    object
      .refine((env) => (env.SERVICE_TOKEN_TTL_SEC ?? 0) <= env.ACCESS_TOKEN_TTL_SEC, {
        message:
          'SERVICE_TOKEN_TTL_SEC must not exceed ACCESS_TOKEN_TTL_SEC (services accept no longer-lived tokens)',
        path: ['SERVICE_TOKEN_TTL_SEC'],
      })
      .transform((env) => {
        const url = env.AUTH_URL ?? `http://127.0.0.1:${env.AUTH_PORT}`;
        return {
          ...env,
          AUTH_URL: url,
          /** `iss` of every access token. */
          ISSUER: url,
          // `Secure` cookies; default on unless the auth URL is plain-http localhost.
          COOKIE_SECURE: env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : secureCookiesByDefault(url),
          SERVICE_TOKEN_TTL_SEC: env.SERVICE_TOKEN_TTL_SEC ?? Math.min(300, env.ACCESS_TOKEN_TTL_SEC),
        };
      }),
);

export const envSchema = authEnv.schema;
/** Parses `source` (default `process.env`), exiting with one readable line per problem. */
export const loadEnv = authEnv.load;
/** The validated configuration. */
export type Env = z.infer<typeof envSchema>;
