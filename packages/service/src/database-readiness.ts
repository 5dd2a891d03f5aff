import { sql } from '@revoke/db';

/** True when the database answers a trivial query: the `postgres` check of every app's `/readyz`. */
export function databaseAnswers(db: {
  execute(query: ReturnType<typeof sql>): Promise<unknown>;
}): Promise<boolean> {
  return db
    .execute(sql`select 1`)
    .then(() => true)
    .catch(() => false);
}
