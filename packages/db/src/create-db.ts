import type { DbHandle } from './database.ts';
import { openPg } from './open-pg.ts';
import { openPglite } from './open-pglite.ts';
import type { ServiceName } from './services.ts';

/** Options for {@link createDb}. */
export interface CreateDbOptions<S extends ServiceName> {
  /** Whose schema, migrations and default data directory to use. */
  service: S;
  /** A Postgres URL (`DATABASE_URL`). When set, a `pg` pool is used and `dataDir` is ignored. */
  url?: string | undefined;
  /** PGlite data directory when `url` is unset; default `.data/<service>` under the current directory. */
  dataDir?: string | undefined;
  /** Apply pending migrations before returning (default `true`). */
  migrate?: boolean | undefined;
  /** `pg` pool size (default 10). Ignored for PGlite, which has one connection. */
  maxConnections?: number | undefined;
  /** Called when an idle `pg` connection fails (e.g. Postgres restarted); default: ignored. */
  onPoolError?: ((error: Error) => void) | undefined;
}

/**
 * Opens service `S`'s database: a `pg` pool when `url` is given, else an embedded PGlite database
 * in `dataDir`. The same schema and migrations run on both. Unless `migrate: false`, the service's
 * pending migrations are applied first (idempotent; concurrent starts on `pg` are serialised).
 *
 * @example
 * const { db, close } = await createDb({ service: 'auth', url: env.DATABASE_URL });
 */
export async function createDb<S extends ServiceName>(options: CreateDbOptions<S>): Promise<DbHandle<S>> {
  const handle = options.url
    ? openPg({
        service: options.service,
        url: options.url,
        maxConnections: options.maxConnections,
        onPoolError: options.onPoolError,
      })
    : await openPglite({ service: options.service, dataDir: options.dataDir });
  if (options.migrate ?? true) {
    try {
      await handle.migrate();
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}
