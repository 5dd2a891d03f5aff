import { sql } from 'drizzle-orm';
import { type AnyPgColumn, check, index, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';
import { authSchema } from './pg-schema.ts';

/**
 * Accounts. `email` is stored normalised (lower-case) by the app; the check makes a forgotten
 * normalisation fail loudly instead of letting `A@x` and `a@x` become two accounts.
 * `not_before` is the user's token cut-off (log out everywhere, password change): every access
 * token issued before it is revoked.
 */
export const users = authSchema.table(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    notBefore: timestamptz('not_before'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [check('users_email_normalised', sql`${t.email} = lower(${t.email})`)],
);

/**
 * One signed-in device. Its id is the access tokens' `sid` and the refresh-token family: revoking
 * it ends the session, its refresh token and its live access tokens.
 */
export const sessions = authSchema.table(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    /**
     * The first-party client the user signed in with (`revoke-web`, the browser client, or `revoke-cli`,
     * any client reading tokens from the body): the `client_id` of the session's access tokens (RFC 9068).
     */
    clientId: text('client_id').notNull().default('revoke-cli'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    revokedAt: timestamptz('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    index('sessions_user_id_idx').on(t.userId),
    // The pruning job's "ended or idle long ago".
    index('sessions_revoked_at_idx').on(t.revokedAt),
    index('sessions_last_seen_at_idx').on(t.lastSeenAt),
  ],
);

/**
 * Refresh tokens, hashed at rest: `token_hash` is the SHA-256 hex of the opaque token, so a leaked
 * table cannot be replayed. A row is single use: refreshing sets `rotated_at` and `replaced_by`;
 * presenting a rotated token again (outside the grace window) is reuse and revokes the session.
 */
export const refreshTokens = authSchema.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    rotatedAt: timestamptz('rotated_at'),
    replacedBy: uuid('replaced_by').references((): AnyPgColumn => refreshTokens.id, { onDelete: 'set null' }),
    /**
     * The successor token (`replaced_by`'s plaintext), encrypted with a key derived from THIS token,
     * so only a holder of this token can read it. A second redemption within the grace window gets the
     * same successor back instead of a new sibling; without this token the column is useless.
     */
    successorSealed: text('successor_sealed'),
  },
  (t) => [
    index('refresh_tokens_session_id_idx').on(t.sessionId),
    // The pruning job's "expired".
    index('refresh_tokens_expires_at_idx').on(t.expiresAt),
    // Deleting a token sets `replaced_by` to null in the row that points at it: without this index
    // each delete scans the table (a prune of 5 000 tokens among 200 000 took 109 s instead of 0.16 s).
    index('refresh_tokens_replaced_by_idx').on(t.replacedBy),
    check('refresh_tokens_token_hash_sha256_hex', sql`${t.tokenHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
