import { timestamp } from 'drizzle-orm/pg-core';

/**
 * A `timestamptz` column read as a `Date`. Every instant in the schemas is stored with its time
 * zone, so a server or PGlite running in another zone never shifts a token's expiry.
 */
export function timestamptz<TName extends string>(name: TName) {
  return timestamp(name, { withTimezone: true, mode: 'date' });
}
