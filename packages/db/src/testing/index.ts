export {
  createFreshDatabase,
  DEFAULT_TEST_DATABASE_URL,
  type FreshDatabase,
  type FreshDatabaseOptions,
  testDatabaseUrl,
} from './fresh-database.ts';
export { createTestDb, type TestDb } from './test-db.ts';
