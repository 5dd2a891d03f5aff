import type { RevocationEntry } from '@revoke/auth/writer';
import type { RevocationReason } from '@revoke/contract';
import { sql } from '@revoke/db';
import { type AuthDb, revocations } from '@revoke/db/auth';

/** One revocation to commit: what it revokes, until when, and why (for the audit trail). */
export type RevocationRecord = {
  reason: RevocationReason;
  /** User id, `admin:<name>` or `system`. */
  actor: string;
} & (
  | { kind: 'jti' | 'sid' | 'kid'; subject: string; expiresAt: Date }
  | { kind: 'sub'; subject: string; notBefore: Date; expiresAt: Date }
);

/** A database or an open transaction. */
type Executor = Pick<AuthDb, 'insert'>;

/**
 * Commits revocations to Postgres, the source of truth: a logout counts once this commits. Each row
 * is also the relay's outbox entry (`relayed_at IS NULL`). Idempotent: revoking the same thing again
 * changes nothing unless it moves an expiry or a not-before forward, which re-queues it for the relay.
 */
export async function recordRevocations(db: Executor, records: readonly RevocationRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db
    .insert(revocations)
    .values(
      records.map((record) => ({
        kind: record.kind,
        subject: record.subject,
        notBefore: record.kind === 'sub' ? record.notBefore : null,
        expiresAt: record.expiresAt,
        reason: record.reason,
        actor: record.actor,
      })),
    )
    .onConflictDoUpdate({
      target: [revocations.kind, revocations.subject],
      set: {
        expiresAt: sql`greatest(${revocations.expiresAt}, excluded.expires_at)`,
        notBefore: sql`greatest(${revocations.notBefore}, excluded.not_before)`,
        relayedAt: null,
      },
      // Only a change needs relaying again; a plain repeat stays a no-op.
      setWhere: sql`excluded.expires_at > ${revocations.expiresAt} or excluded.not_before > ${revocations.notBefore}`,
    });
}

/** The Redis entry for a stored row. */
export function entryOf(row: typeof revocations.$inferSelect): RevocationEntry {
  const exp = Math.ceil(row.expiresAt.getTime() / 1000);
  if (row.kind === 'sub') {
    return { kind: 'sub', id: row.subject, notBefore: Math.ceil(row.notBefore!.getTime() / 1000), exp };
  }
  return { kind: row.kind, id: row.subject, exp };
}
