import { sql } from 'drizzle-orm';
import { bigserial, check, index, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';
import { authSchema } from './pg-schema.ts';

/**
 * The revocation granularities: one token (`jti`), one session (`sid`), a user's tokens issued before
 * a time (`sub`), and every token signed by a withdrawn signing key (`kid`).
 */
export const REVOCATION_KINDS = ['jti', 'sid', 'sub', 'kid'] as const;

/** One of {@link REVOCATION_KINDS}. */
export type RevocationKind = (typeof REVOCATION_KINDS)[number];

/**
 * The source of truth for revocations, and the relay's outbox: a revocation counts once its row
 * commits; the relay then writes every row with `relayed_at IS NULL` to Redis (in `id` order) and
 * stamps it. Re-seeding Redis reads every row with `expires_at` in the future.
 *
 * One row per `(kind, subject)`, so a second logout with the same token is a no-op
 * (`ON CONFLICT DO NOTHING`); a later `sub` revocation moves `not_before` and `expires_at` forward
 * and clears `relayed_at` (`ON CONFLICT DO UPDATE` with `greatest(...)`), the same merge the Redis
 * writer does.
 *
 * `subject` is the token's `jti`, the session id, the user id, or the signing key's `kid`;
 * `not_before` is set for `sub` only; `expires_at` is when no token the row could match is still accepted.
 */
export const revocations = authSchema.table(
  'revocations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: REVOCATION_KINDS }).notNull(),
    subject: text('subject').notNull(),
    notBefore: timestamptz('not_before'),
    expiresAt: timestamptz('expires_at').notNull(),
    reason: text('reason').notNull(),
    actor: text('actor'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    relayedAt: timestamptz('relayed_at'),
  },
  (t) => [
    uniqueIndex('revocations_kind_subject_key').on(t.kind, t.subject),
    // The relay's "what is left to deliver, oldest first": small, since relayed rows leave it.
    index('revocations_unrelayed_idx').on(t.id).where(sql`${t.relayedAt} IS NULL`),
    index('revocations_expires_at_idx').on(t.expiresAt),
    check('revocations_kind', sql`${t.kind} IN ('jti', 'sid', 'sub', 'kid')`),
    check('revocations_not_before_iff_sub', sql`(${t.kind} = 'sub') = (${t.notBefore} IS NOT NULL)`),
  ],
);
