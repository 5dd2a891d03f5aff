import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { DbHandle, ServiceDatabase } from './database.ts';
import { migrationsTableFor } from './migrations-table.ts';
import { migrationsFolderFor, SERVICE_SCHEMAS, type ServiceName } from './services.ts';

/** Options for {@link openPglite}. */
export interface OpenPgliteOptions<S extends ServiceName> {
  service: S;
  /** Data directory; default `.data/<service>` under the current directory. Created if missing. */
  dataDir?: string | undefined;
}

/**
 * A handle over an embedded PGlite database persisted in a directory. One process, one handle per
 * directory: PGlite is single-user Postgres, and two instances on the same files corrupt them.
 */
export async function openPglite<S extends ServiceName>(options: OpenPgliteOptions<S>): Promise<DbHandle<S>> {
  const { service } = options;
  const dataDir = resolve(options.dataDir ?? join('.data', service));
  await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db: ServiceDatabase<S> = drizzle({ client, schema: SERVICE_SCHEMAS[service] });
  let closing: Promise<void> | undefined;
  return {
    db,
    kind: 'pglite',
    service,
    // One connection in one process: nothing else can migrate concurrently, so no lock is needed.
    migrate: async () => {
      const table = migrationsTableFor(service);
      await migrate(drizzle({ client }), {
        migrationsFolder: migrationsFolderFor(service),
        migrationsSchema: table.schema,
        migrationsTable: table.table,
      });
    },
    close: () => {
      closing ??= client.close();
      return closing;
    },
  };
}
