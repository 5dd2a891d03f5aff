import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import { migrationsFolderFor, SERVICE_NAMES, SERVICE_SCHEMAS } from './services.ts';

interface Journal {
  entries: { idx: number; tag: string }[];
}

// A schema edited without `pnpm db:generate` would pass typecheck and then fail only against a
// real database; diffing the schema against the last generated snapshot catches it here.
describe.each(SERVICE_NAMES)('migrations/%s', (service) => {
  it('match the schema module (run `pnpm db:generate` after editing a schema)', async () => {
    const folder = migrationsFolderFor(service);
    const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as Journal;
    const last = journal.entries.at(-1);
    expect(last).toBeDefined();
    const prefix = last!.tag.split('_')[0];
    const snapshot = JSON.parse(readFileSync(join(folder, `meta/${prefix}_snapshot.json`), 'utf8'));
    const current = generateDrizzleJson(SERVICE_SCHEMAS[service], snapshot.id, [service]);
    expect(await generateMigration(snapshot, current)).toEqual([]);
  });

  it('create only their own Postgres schema', () => {
    const folder = migrationsFolderFor(service);
    const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as Journal;
    for (const { tag } of journal.entries) {
      const sqlText = readFileSync(join(folder, `${tag}.sql`), 'utf8');
      const touched = new Set([...sqlText.matchAll(/"([a-z_]+)"\."[a-z_]+"/g)].map((m) => m[1]));
      touched.delete(service);
      expect([...touched]).toEqual([]);
    }
  });
});
