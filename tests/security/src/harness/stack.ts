import { createDb, type DbHandle } from '@revoke/db';
import type { ActivityDb } from '@revoke/db/activity';
import type { AuthDb } from '@revoke/db/auth';
import type { NotesDb } from '@revoke/db/notes';
import { createFreshDatabase, type FreshDatabase } from '@revoke/db/testing';
import type { ServiceProcess } from '@revoke/testkit/processes';
import { stackEnvOnFreePorts, stackServices } from '@revoke/testkit/service-stack';
import { type Account, type Device, signUp } from './accounts.ts';
import { deleteKeysWithPrefix } from './redis-cleanup.ts';

/** auth, notes and activity as three processes sharing one Postgres database (a schema each) and Redis. */
export interface Stack {
  auth: ServiceProcess;
  notes: ServiceProcess;
  activity: ServiceProcess;
  env: Record<string, string>;
  /** Read-only views of each service's tables, to prove that hostile input wrote nothing. */
  db: { auth: AuthDb; notes: NotesDb; activity: ActivityDb };
  close(): Promise<void>;
}

/**
 * Starts the stack on free ports with a fresh database and its own Redis key prefix (as tests/e2e
 * does). The per-IP login limit and the budgets are raised: every request of a file comes from
 * 127.0.0.1, and the suite is about hostile input, not throttling (the per-account failure limit keeps
 * its default; `limits.security.test.ts` passes small budgets of its own).
 */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const database: FreshDatabase = await createFreshDatabase({ prefix: 'security' });
  const env: Record<string, string> = {
    ...(await stackEnvOnFreePorts({ databaseUrl: database.url, label: 'security' })),
    LOGIN_MAX_PER_IP: '100000',
    REGISTER_MAX_PER_IP: '100000',
    REVOKE_MAX_PER_USER: '100000',
    REFRESH_MAX_PER_SESSION: '100000',
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  const services = stackServices(env);
  const handles: Pick<DbHandle<'auth'>, 'close'>[] = [];
  const db = {} as Stack['db'];
  const stack = {
    auth: services.auth,
    notes: services.notes,
    activity: services.activity,
    env,
    db,
    async close() {
      await Promise.all(handles.map((handle) => handle.close()));
      await services.stop();
      await database.drop();
      // Revocation keys expire by themselves; the prefix's epoch, index and limiter keys would stay.
      await deleteKeysWithPrefix(env.REDIS_URL!, env.REVOCATION_PREFIX!);
    },
  };
  try {
    // The services become ready once the auth app has seeded Redis (its epoch); start all at once.
    await Promise.all([stack.auth.start(), stack.notes.start(), stack.activity.start()]);
    // Each service migrated its own schema before reporting ready; these handles only read.
    const open = async <S extends 'auth' | 'notes' | 'activity'>(service: S) => {
      const handle = await createDb({ service, url: database.url, migrate: false, maxConnections: 2 });
      handles.push(handle);
      return handle.db;
    };
    db.auth = await open('auth');
    db.notes = await open('notes');
    db.activity = await open('activity');
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}

/** A fresh stack and one signed-up user of it (`label` names the account): how most files start. */
export async function startStackWithUser(label: string): Promise<{ stack: Stack; user: Account & Device }> {
  const stack = await startStack();
  try {
    return { stack, user: await signUp(stack.auth.url, label) };
  } catch (error) {
    await stack.close();
    throw error;
  }
}
