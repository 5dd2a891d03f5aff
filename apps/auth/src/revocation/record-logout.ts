import { sql } from '@revoke/db';
import { type AuthDb, auditLog, revocations, sessions } from '@revoke/db/auth';

/**
 * Commits a logout in ONE statement: the `jti` and `sid` revocations (merged as in
 * `recordRevocations`), the end of the session and the audit row. Data-modifying CTEs make it atomic
 * without BEGIN/COMMIT, so a logout costs one round trip to Postgres instead of six: logout is the
 * hot write path (see `pnpm bench`, workload `logout`).
 */
export async function recordLogout(
  db: Pick<AuthDb, 'execute'>,
  input: { jti: string; sid: string; jtiExpiresAt: Date; sidExpiresAt: Date; actor: string },
): Promise<void> {
  const { jti, sid, actor } = input;
  const jtiExp = input.jtiExpiresAt.toISOString();
  const sidExp = input.sidExpiresAt.toISOString();
  await db.execute(sql`
    with revoked as (
      insert into ${revocations} (kind, subject, expires_at, reason, actor)
      values ('jti', ${jti}, ${jtiExp}::timestamptz, 'logout', ${actor}),
             ('sid', ${sid}, ${sidExp}::timestamptz, 'logout', ${actor})
      on conflict (kind, subject) do update set
        expires_at = greatest(${revocations.expiresAt}, excluded.expires_at),
        relayed_at = null
      where excluded.expires_at > ${revocations.expiresAt}
      returning 1
    ), ended as (
      update ${sessions} set revoked_at = now(), revoked_reason = 'logout'
      where ${sessions.id} = ${sid}::uuid and ${sessions.revokedAt} is null
      returning 1
    )
    insert into ${auditLog} (actor, action, target, detail)
    values (${actor}, 'logout', ${sid}, jsonb_build_object('jti', ${jti}::text))
  `);
}
