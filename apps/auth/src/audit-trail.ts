import { type AuthDb, auditLog } from '@revoke/db/auth';

/** One entry of the audit trail; `detail` never holds a token or a password. */
export interface AuditEntry {
  /** A user id, `admin:<name>`, `client:<id>` (an OAuth client), `public` or `system`. */
  actor: string;
  action: string;
  target?: string | undefined;
  detail?: Record<string, unknown>;
}

/** The audit trail (`auth.audit_log`), for actions outside a revocation's own transaction. */
export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
}

/** An {@link AuditTrail} writing to the auth database. */
export function createAuditTrail(db: AuthDb): AuditTrail {
  return {
    async record(entry) {
      await db.insert(auditLog).values({
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        detail: entry.detail ?? null,
      });
    },
  };
}
