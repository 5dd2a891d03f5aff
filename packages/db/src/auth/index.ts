import type { ServiceDatabase } from '../database.ts';
import type { refreshTokens, sessions, users } from './accounts.ts';
import type { auditLog, signingKeys } from './audit-and-keys.ts';
import type { revocations } from './revocations.ts';

export * from './schema.ts';

/** The auth app's database: `createDb({ service: 'auth' }).db`. */
export type AuthDb = ServiceDatabase<'auth'>;

/** A row of `auth.users`. */
export type User = typeof users.$inferSelect;
/** An insert into `auth.users`. */
export type NewUser = typeof users.$inferInsert;
/** A row of `auth.sessions`. */
export type Session = typeof sessions.$inferSelect;
/** An insert into `auth.sessions`. */
export type NewSession = typeof sessions.$inferInsert;
/** A row of `auth.refresh_tokens`. */
export type RefreshToken = typeof refreshTokens.$inferSelect;
/** An insert into `auth.refresh_tokens`. */
export type NewRefreshToken = typeof refreshTokens.$inferInsert;
/** A row of `auth.revocations`. */
export type Revocation = typeof revocations.$inferSelect;
/** An insert into `auth.revocations`. */
export type NewRevocation = typeof revocations.$inferInsert;
/** A row of `auth.audit_log`. */
export type AuditEntry = typeof auditLog.$inferSelect;
/** An insert into `auth.audit_log`. */
export type NewAuditEntry = typeof auditLog.$inferInsert;
/** A row of `auth.signing_keys`. */
export type SigningKey = typeof signingKeys.$inferSelect;
/** An insert into `auth.signing_keys`. */
export type NewSigningKey = typeof signingKeys.$inferInsert;
