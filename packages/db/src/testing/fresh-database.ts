import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the tests use when `DATABASE_URL` is unset: a local Postgres with trust auth. */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database made for one test file; {@link FreshDatabase.drop} removes it. */
export interface FreshDatabase {
  /** Its name, `<prefix>_<random hex>`. */
  readonly name: string;
  /** A URL for it on the same server, with the same credentials as the admin URL. */
  readonly url: string;
  /** Drops it, closing whatever connections are still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/** Options for {@link createFreshDatabase}. */
export interface FreshDatabaseOptions {
  /** A URL on the server to create it on; default `DATABASE_URL`, else {@link DEFAULT_TEST_DATABASE_URL}. */
  adminUrl?: string | undefined;
  /** Name prefix, lower-case letters, digits and `_` (default `db_test`). */
  prefix?: string | undefined;
}

/**
 * Creates an empty, uniquely named database for one test file, so files can run in parallel
 * without sharing rows, schemas or migration state. Drop it in `afterAll`.
 *
 * @example
 * const fresh = await createFreshDatabase();
 * afterAll(() => fresh.drop());
 */
export async function createFreshDatabase(options: FreshDatabaseOptions = {}): Promise<FreshDatabase> {
  const adminUrl = options.adminUrl ?? testDatabaseUrl();
  const prefix = options.prefix ?? 'db_test';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new TypeError(`invalid database name prefix: ${prefix}`);
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    name,
    url: url.toString(),
    drop: () => {
      // FORCE (Postgres 13+) ends connections a test left open instead of failing on them.
      dropping ??= asAdmin(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
      return dropping;
    },
  };
}

/** The server tests run against: `DATABASE_URL`, else {@link DEFAULT_TEST_DATABASE_URL}. */
export function testDatabaseUrl(): string {
  // Test tooling, not app code: apps read DATABASE_URL once in their env module.
  return process.env.DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

async function asAdmin(adminUrl: string, run: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
