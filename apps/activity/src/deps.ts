import type { KeySource } from '@revoke/auth';
import { createDb } from '@revoke/db';
import type { ActivityDb } from '@revoke/db/activity';
import { type AuthStack, createAuthStack } from '@revoke/service';
import { type Logger, pino } from 'pino';
import type { Env } from './env.ts';

/** Everything the activity service's server and procedures use, built once at start and passed down. */
export interface ActivityDeps {
  env: Env;
  logger: Logger;
  db: ActivityDb;
  auth: AuthStack;
  /** Closes the revocation feed, then the database. */
  close(): Promise<void>;
}

/** What a caller of {@link buildDeps} may replace; the defaults are what `index.ts` runs. */
export interface BuildDepsOptions {
  logger?: Logger;
  /** Public keys that verify tokens; default: the auth app's JWKS at `AUTH_URL`. Tests inject theirs. */
  keys?: KeySource;
  /**
   * Wait for the revocation feed's first snapshot before returning (default true). Tests pass false
   * to see `/readyz` answer 503 until it loads.
   */
  waitForFeed?: boolean;
}

/** Opens the database (migrating it), builds the auth stack and starts its revocation feed. */
export async function buildDeps(env: Env, options: BuildDepsOptions = {}): Promise<ActivityDeps> {
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL });
  const database = await createDb({
    service: 'activity',
    url: env.DATABASE_URL,
    dataDir: env.ACTIVITY_DATA_DIR,
    onPoolError: (error) => logger.warn({ err: error.message }, 'postgres: idle connection failed'),
  });
  const auth = createAuthStack({
    redisUrl: env.REDIS_URL,
    prefix: env.REVOCATION_PREFIX,
    authUrl: env.AUTH_URL,
    audience: env.TOKEN_AUDIENCE,
    clockToleranceSec: env.CLOCK_TOLERANCE_SEC,
    staleAfterMs: env.REVOCATION_STALE_AFTER_MS,
    maxLifetimeSec: env.MAX_TOKEN_LIFETIME_SEC,
    logger,
    ...(options.keys ? { keys: options.keys } : {}),
  });
  const close = async () => {
    await auth.close();
    await database.close();
  };
  // start() resolves only at the first snapshot (it retries until Redis answers with an epoch);
  // until then `/readyz` says 503.
  const firstSnapshot = auth.feed.start();
  if (options.waitForFeed ?? true) {
    logger.info({ redis: env.REDIS_URL }, "activity: waiting for the revocation feed's first snapshot");
    await firstSnapshot;
  }
  return { env, logger, db: database.db, auth, close };
}
