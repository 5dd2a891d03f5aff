import { createDb } from '../create-db.ts';
import type { DbHandle } from '../database.ts';
import type { ServiceName } from '../services.ts';
import { createFreshDatabase, type FreshDatabaseOptions } from './fresh-database.ts';

/** A migrated service database in its own throwaway Postgres database. */
export interface TestDb<S extends ServiceName> extends DbHandle<S> {
  /** Its URL, to hand to the code under test (e.g. an app's `DATABASE_URL`). */
  readonly url: string;
  /** Closes the pool, then drops the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * A fresh Postgres database with service `S`'s migrations applied, opened through `createDb`
 * exactly as an app would. Call `close()` in `afterAll`.
 *
 * @example
 * const testDb = await createTestDb('auth');
 * afterAll(() => testDb.close());
 */
export async function createTestDb<S extends ServiceName>(
  service: S,
  options: FreshDatabaseOptions = {},
): Promise<TestDb<S>> {
  const fresh = await createFreshDatabase({ prefix: `db_test_${service}`, ...options });
  let handle: DbHandle<S>;
  try {
    handle = await createDb({ service, url: fresh.url });
  } catch (error) {
    await fresh.drop();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    ...handle,
    url: fresh.url,
    close: () => {
      closing ??= handle.close().finally(() => fresh.drop());
      return closing;
    },
  };
}
