import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from './auth/index.ts';
import { createDb } from './create-db.ts';
import { migrationsTableFor } from './migrations-table.ts';
import { migrationsFolderFor } from './services.ts';

describe('the embedded PGlite path', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revoke-db-pglite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the directory, migrates, and keeps the data across a reopen', async () => {
    const dataDir = join(dir, 'nested', 'auth');
    const first = await createDb({ service: 'auth', dataDir });
    expect(first.kind).toBe('pglite');
    await first.db.insert(users).values({ email: 'kept@example.com', passwordHash: 'x' });
    await first.close();
    await first.close();

    const reopened = await createDb({ service: 'auth', dataDir });
    try {
      const found = await reopened.db.select().from(users).where(eq(users.email, 'kept@example.com'));
      expect(found).toHaveLength(1);
      await reopened.migrate();
      const { schema, table } = migrationsTableFor('auth');
      const applied = await reopened.db.execute(
        sql`SELECT count(*)::int AS n FROM ${sql.identifier(schema)}.${sql.identifier(table)}`,
      );
      // Each migration recorded once: the reopen and the second migrate() applied nothing again.
      const journal = JSON.parse(
        readFileSync(join(migrationsFolderFor('auth'), 'meta/_journal.json'), 'utf8'),
      );
      expect((applied as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(journal.entries.length);
    } finally {
      await reopened.close();
    }
  });

  it('defaults to .data/<service> under the current directory', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const handle = await createDb({ service: 'notes' });
      await handle.close();
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, '.data', 'notes', 'PG_VERSION'))).toBe(true);
  });
});
