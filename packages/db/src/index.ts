// Operators (`eq`, `and`, `sql`, …) from the same drizzle-orm instance the schemas were built with,
// so apps need no drizzle-orm dependency of their own.
export * from 'drizzle-orm/sql';
export { type CreateDbOptions, createDb } from './create-db.ts';
export type { Database, DbHandle, DbKind, ServiceDatabase } from './database.ts';
export {
  isDatabaseUnavailable,
  isUniqueViolation,
  type PostgresErrorInfo,
  postgresErrorOf,
} from './errors.ts';
export { migrationsTableFor } from './migrations-table.ts';
export { migrationsFolderFor, SERVICE_NAMES, type ServiceName, type ServiceSchema } from './services.ts';
