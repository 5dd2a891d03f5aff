import type { KeySource } from '@revoke/auth';
import { createDb } from '@revoke/db';
import type { NotesDb } from '@revoke/db/notes';
import { type AuthStack, createServiceTokenSource, startAuthStack } from '@revoke/service';
import { type Logger, pino } from 'pino';
import { type ActivityRecorder, createActivityClient } from './activity-client.ts';
import type { Env } from './env.ts';

/** Everything the notes service's server and procedures use, built once at start and passed down. */
export interface NotesDeps {
  env: Env;
  logger: Logger;
  db: NotesDb;
  auth: AuthStack;
  /** The typed client of activity, forwarding the caller's token. */
  activity: ActivityRecorder;
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

/** Opens the database (migrating it), builds the auth stack and activity client, starts the feed. */
export async function buildDeps(env: Env, options: BuildDepsOptions = {}): Promise<NotesDeps> {
  const logger = options.logger ?? pino({ level: env.LOG_LEVEL });
  const database = await createDb({
    service: 'notes',
    url: env.DATABASE_URL,
    dataDir: env.NOTES_DATA_DIR,
    onPoolError: (error) => logger.warn({ err: error.message }, 'postgres: idle connection failed'),
  });
  const auth = await startAuthStack('notes', env, {
    logger,
    keys: options.keys,
    waitForFeed: options.waitForFeed,
  });
  const activity = createActivityClient({
    url: env.ACTIVITY_URL,
    timeoutMs: env.ACTIVITY_TIMEOUT_MS,
    credential: createServiceTokenSource({
      authUrl: env.AUTH_URL,
      clientId: env.SERVICE_CLIENT_ID,
      clientSecret: env.SERVICE_CLIENT_SECRET,
      audience: env.ACTIVITY_AUDIENCE,
      timeoutMs: env.ACTIVITY_TIMEOUT_MS,
    }),
  });
  const close = async () => {
    await auth.close();
    await database.close();
  };
  return { env, logger, db: database.db, auth, activity, close };
}
