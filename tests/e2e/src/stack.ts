import { createFreshDatabase, type FreshDatabase } from '@revoke/db/testing';
import { freePorts } from '@revoke/testkit/ports';
import { ServiceProcess } from '@revoke/testkit/processes';
import { SHARED_REDIS_URL, stackEnv, uniquePrefix } from '@revoke/testkit/stack-env';

/** auth, notes and activity as three processes sharing one Postgres database (a schema each) and Redis. */
export interface Stack {
  auth: ServiceProcess;
  notes: ServiceProcess;
  activity: ServiceProcess;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the stack on free ports with a fresh database and its own Redis key prefix. */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const database: FreshDatabase = await createFreshDatabase({ prefix: 'e2e' });
  const [authPort, notesPort, activityPort] = (await freePorts(3)) as [number, number, number];
  const env: Record<string, string> = {
    ...stackEnv({
      databaseUrl: database.url,
      redisUrl: SHARED_REDIS_URL,
      prefix: uniquePrefix('e2e'),
      ports: { auth: authPort, notes: notesPort, activity: activityPort },
    }),
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const make = (name: string, url: string) => new ServiceProcess({ name, url, env });
  const stack = {
    auth: make('auth', env.AUTH_URL!),
    notes: make('notes', env.NOTES_URL!),
    activity: make('activity', env.ACTIVITY_URL!),
    env,
    async close() {
      await Promise.all([stack.auth.stop(), stack.notes.stop(), stack.activity.stop()]);
      await database.drop();
    },
  };
  try {
    // The services become ready once the auth app has seeded Redis (its epoch); start all at once.
    await Promise.all([stack.auth.start(), stack.notes.start(), stack.activity.start()]);
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
