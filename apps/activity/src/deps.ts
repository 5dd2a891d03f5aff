import type { KeySource } from '@revoke/auth';
import { createDb } from '@revoke/db';
import type { ActivityDb } from '@revoke/db/activity';
import { type AuthStack, startAuthStack } from '@revoke/service';
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
  const auth = await startAuthStack('activity', env, {
    logger,
    keys: options.keys,
    waitForFeed: options.waitForFeed,
  });
  const close = async () => {
    await auth.close();
    await database.close();
  };
  return { env, logger, db: database.db, auth, close };
}
