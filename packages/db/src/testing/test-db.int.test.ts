import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { users } from '../auth/index.ts';
import { createFreshDatabase, createTestDb, testDatabaseUrl } from './index.ts';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('the testing helpers', () => {
  it('createFreshDatabase makes a uniquely named database and drops it, even with connections open', async () => {
    const [a, b] = await Promise.all([createFreshDatabase(), createFreshDatabase()]);
    expect(a.name).not.toBe(b.name);
    expect(a.name).toMatch(/^db_test_[0-9a-f]{16}$/);
    const lingering = new Client({ connectionString: a.url });
    await lingering.connect();
    lingering.on('error', () => {});
    await Promise.all([a.drop(), a.drop(), b.drop()]);
    expect(await databaseExists(a.name)).toBe(false);
    expect(await databaseExists(b.name)).toBe(false);
    await lingering.end().catch(() => {});
  });

  it('createTestDb hands out a migrated service database and drops it on close', async () => {
    const testDb = await createTestDb('auth');
    const name = new URL(testDb.url).pathname.slice(1);
    expect(testDb.kind).toBe('pg');
    await testDb.db.insert(users).values({ email: 'helper@example.com', passwordHash: 'x' });
    expect(await testDb.db.$count(users)).toBe(1);
    await testDb.close();
    await testDb.close();
    expect(await databaseExists(name)).toBe(false);
  });

  it('refuses a prefix that would need quoting', async () => {
    await expect(createFreshDatabase({ prefix: 'x"; DROP DATABASE postgres; --' })).rejects.toThrow(
      TypeError,
    );
  });
});
