import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from './create-db.ts';
import { migrationsTableFor } from './migrations-table.ts';
import { migrationsFolderFor, SERVICE_NAMES, type ServiceName } from './services.ts';
import { createFreshDatabase, type FreshDatabase } from './testing/index.ts';

function journalLength(service: ServiceName): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolderFor(service), 'meta/_journal.json'), 'utf8'));
  return journal.entries.length;
}

describe('migrations on Postgres', () => {
  let fresh: FreshDatabase;
  let admin: Client;
  beforeAll(async () => {
    fresh = await createFreshDatabase();
    admin = new Client({ connectionString: fresh.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await fresh?.drop();
  });

  async function appliedCount(service: ServiceName): Promise<number> {
    const { schema, table } = migrationsTableFor(service);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
    return rows[0].n;
  }

  it('apply once, and a second run (and a restart) applies nothing', async () => {
    const handle = await createDb({ service: 'auth', url: fresh.url });
    try {
      expect(await appliedCount('auth')).toBe(journalLength('auth'));
      await handle.migrate();
      expect(await appliedCount('auth')).toBe(journalLength('auth'));
    } finally {
      await handle.close();
    }
    const restarted = await createDb({ service: 'auth', url: fresh.url });
    await restarted.close();
    expect(await appliedCount('auth')).toBe(journalLength('auth'));
    const { rows } = await admin.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'auth' ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'audit_log',
      'oauth_clients',
      'refresh_tokens',
      'revocations',
      'sessions',
      'signing_keys',
      'users',
    ]);
  });

  it('serialise instances of one service starting at the same time', async () => {
    const handles = await Promise.all([1, 2, 3, 4].map(() => createDb({ service: 'notes', url: fresh.url })));
    await Promise.all(handles.map((h) => h.close()));
    expect(await appliedCount('notes')).toBe(journalLength('notes'));
  });

  it('give each service its own schema and migrations table, and nothing shared', async () => {
    await Promise.all(
      SERVICE_NAMES.map(async (service) => (await createDb({ service, url: fresh.url })).close()),
    );
    const { rows } = await admin.query(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('public', 'information_schema') ORDER BY 1`,
    );
    expect(rows.map((r) => r.nspname)).toEqual([
      'activity',
      'activity_migrations',
      'auth',
      'auth_migrations',
      'notes',
      'notes_migrations',
    ]);
  });

  it('leave the database untouched with migrate: false', async () => {
    const other = await createFreshDatabase();
    try {
      const handle = await createDb({ service: 'activity', url: other.url, migrate: false });
      await handle.close();
      const client = new Client({ connectionString: other.url });
      await client.connect();
      const { rows } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname LIKE 'activity%'`);
      await client.end();
      expect(rows).toEqual([]);
    } finally {
      await other.drop();
    }
  });
});
