/**
 * Where a service's migrator records what it applied: its own schema, `<service>_migrations`.
 *
 * Not the service's schema itself: drizzle-kit writes a plain `CREATE SCHEMA "auth"` into the first
 * migration, and the migrator creates its table's schema before running it, so sharing one schema
 * fails with "schema already exists". Not drizzle's default `drizzle` schema either: services
 * migrating at the same time would race on creating it, and one service would own it.
 */
export function migrationsTableFor(service: string): { schema: string; table: string } {
  return { schema: `${service}_migrations`, table: '__drizzle_migrations' };
}
