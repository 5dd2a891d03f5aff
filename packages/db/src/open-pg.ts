import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';
import type { DbHandle, ServiceDatabase } from './database.ts';
import { migrationsTableFor } from './migrations-table.ts';
import { migrationsFolderFor, SERVICE_SCHEMAS, type ServiceName } from './services.ts';

/** Options for {@link openPg}. */
export interface OpenPgOptions<S extends ServiceName> {
  service: S;
  url: string;
  maxConnections?: number | undefined;
  onPoolError?: ((error: Error) => void) | undefined;
}

/** A handle over a `pg` pool on `url`; migrations are not run here (see `createDb`). */
export function openPg<S extends ServiceName>(options: OpenPgOptions<S>): DbHandle<S> {
  const { service, url } = options;
  const pool = new Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that event would
  // kill the process. The pool replaces the client, and the next query reports the outage itself.
  const onError = options.onPoolError ?? (() => {});
  pool.on('error', onError);
  // A client checked out of the pool (a transaction between two statements, a query just sent) has no
  // listener of the pool's: Postgres shutting down ("terminating connection due to administrator
  // command") would emit an unhandled 'error' and crash the service. The work on that client fails on
  // its own (its query or transaction rejects, and the client is discarded on release).
  pool.on('connect', (client) => client.on('error', onError));
  const db: ServiceDatabase<S> = drizzle({ client: pool, schema: SERVICE_SCHEMAS[service] });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind: 'pg',
    service,
    migrate: () => migratePg(pool, service),
    close: () => {
      closing ??= pool.end();
      return closing;
    },
  };
}

async function migratePg(pool: Pool, service: ServiceName): Promise<void> {
  const lockKey = `@revoke/db:migrate:${service}`;
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    // drizzle's migrator reads "what was applied" before its transaction, so two instances of a
    // service starting together would both run the same DDL. A session-level advisory lock
    // serialises them: the second one waits, then finds nothing to apply.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    const table = migrationsTableFor(service);
    await migrate(drizzle({ client }), {
      migrationsFolder: migrationsFolderFor(service),
      migrationsSchema: table.schema,
      migrationsTable: table.table,
    });
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    // Releasing with an error destroys the connection, which also drops a lock still held.
    client.release(failure);
  }
}
