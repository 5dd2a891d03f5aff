import { defineConfig } from 'drizzle-kit';
import { migrationsTableFor } from './src/migrations-table.ts';

// Generation is offline (schema file in, SQL out); no database is needed to run `db:generate`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/notes/schema.ts',
  out: './migrations/notes',
  schemaFilter: ['notes'],
  migrations: migrationsTableFor('notes'),
});
