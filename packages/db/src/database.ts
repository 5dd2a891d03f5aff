import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { ServiceName, ServiceSchema } from './services.ts';

/**
 * A drizzle database over schema `TSchema`, whichever driver is underneath (node-postgres or
 * PGlite): the query builder, `db.query.*`, `db.transaction` and `db.execute` are all typed. Only
 * the shape of `execute`'s raw result differs between drivers, so read rows through the query
 * builder rather than through `execute`.
 */
export type Database<TSchema extends Record<string, unknown>> = PgDatabase<
  PgQueryResultHKT,
  TSchema,
  ExtractTablesWithRelations<TSchema>
>;

/** The database of service `S`, typed with that service's schema only. */
export type ServiceDatabase<S extends ServiceName> = Database<ServiceSchema<S>>;

/** Which driver a handle uses: a `pg` pool (`url` given) or embedded PGlite (`dataDir`). */
export type DbKind = 'pg' | 'pglite';

/** An open database of one service. */
export interface DbHandle<S extends ServiceName> {
  /** The drizzle instance, typed with the service's schema. */
  readonly db: ServiceDatabase<S>;
  /** Which driver is underneath. */
  readonly kind: DbKind;
  /** The service whose schema and migrations this handle uses. */
  readonly service: S;
  /**
   * Applies the service's pending migrations; a no-op when none are pending. `createDb` already
   * ran it unless told `migrate: false`.
   */
  migrate(): Promise<void>;
  /** Closes the pool or PGlite instance (PGlite flushes its data directory). Safe to call twice. */
  close(): Promise<void>;
}
