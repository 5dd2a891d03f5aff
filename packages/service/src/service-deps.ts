import type { KeySource } from '@revoke/auth';
import { createDb, type ServiceDatabase, type ServiceName } from '@revoke/db';
import { type Logger, pino } from 'pino';
import { type AuthStack, type AuthStackEnv, startAuthStack } from './auth-stack.ts';

/** The settings {@link buildServiceDeps} reads, besides the service's data directory. */
export interface ServiceDepsEnv extends AuthStackEnv {
  DATABASE_URL?: string | undefined;
  LOG_LEVEL: string;
}

/** What every internal service's server and procedures use, built once at start and passed down. */
export interface ServiceDeps<S extends ServiceName, TEnv extends ServiceDepsEnv> {
  env: TEnv;
  logger: Logger;
  db: ServiceDatabase<S>;
  auth: AuthStack;
  /** Closes the revocation feed, then the database. */
  close(): Promise<void>;
}

/** What a caller of a service's `buildDeps` may replace; the defaults are what `index.ts` runs. */
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

/**
 * Opens service `service`'s database (migrating it; PGlite under `dataDir` when `DATABASE_URL` is
 * unset), then builds its auth stack and starts the revocation feed.
 */
export async function buildServiceDeps<S extends ServiceName, TEnv extends ServiceDepsEnv>(
  service: S,
  env: TEnv,
  dataDir: string,
  options: BuildDepsOptions = {},
): Promise<ServiceDeps<S, TEnv>> {
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL });
  const database = await createDb({
    service,
    url: env.DATABASE_URL,
    dataDir,
    onPoolError: (error) => logger.warn({ err: error.message }, 'postgres: idle connection failed'),
  });
  const auth = await startAuthStack(service, env, {
    logger,
    keys: options.keys,
    waitForFeed: options.waitForFeed,
  }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const close = async () => {
    await auth.close();
    await database.close();
  };
  return { env, logger, db: database.db, auth, close };
}
