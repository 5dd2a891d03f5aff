import { fileURLToPath } from 'node:url';
import * as activity from './activity/schema.ts';
import * as auth from './auth/schema.ts';
import * as notes from './notes/schema.ts';

/**
 * Each service's drizzle schema module, by service name. Adding a service: a `src/<name>/schema.ts`
 * with its own `pgSchema('<name>')`, a `drizzle.<name>.config.ts`, an entry here, then
 * `pnpm db:generate`.
 */
export const SERVICE_SCHEMAS = { auth, notes, activity } as const;

/** A service that owns a Postgres schema: `auth`, `notes` or `activity`. */
export type ServiceName = keyof typeof SERVICE_SCHEMAS;

/** The drizzle schema module of service `S`, as passed to drizzle (tables and relations). */
export type ServiceSchema<S extends ServiceName> = (typeof SERVICE_SCHEMAS)[S];

/** The names of every service, for iteration. */
export const SERVICE_NAMES = Object.keys(SERVICE_SCHEMAS) as ServiceName[];

/** Absolute path of the folder drizzle-kit generated for `service` (`packages/db/migrations/<service>`). */
export function migrationsFolderFor(service: ServiceName): string {
  return fileURLToPath(new URL(`../migrations/${service}`, import.meta.url));
}
