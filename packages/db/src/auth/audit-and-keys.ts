import { bigserial, index, jsonb, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';
import { authSchema } from './pg-schema.ts';

/** A JSON Web Key as stored: at least `kty`; the rest depends on the key type. */
export interface StoredJwk {
  kty: string;
  [member: string]: unknown;
}

/**
 * Append-only record of security-relevant actions (login, logout, revocations, key rotation).
 * `actor` is a user id, `admin:<name>` or `system`; `detail` never holds a token or a password.
 */
export const auditLog = authSchema.table(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamptz('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/**
 * Access-token signing keys, persisted so a restart does not log everyone out. A key is published
 * in the JWKS from `created_at`, signs from `activates_at` (after services had time to fetch it),
 * and stays published until `retires_at` plus the longest token lifetime.
 */
export const signingKeys = authSchema.table('signing_keys', {
  kid: text('kid').primaryKey(),
  privateJwk: jsonb('private_jwk').$type<StoredJwk>().notNull(),
  publicJwk: jsonb('public_jwk').$type<StoredJwk>().notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  activatesAt: timestamptz('activates_at').notNull(),
  retiresAt: timestamptz('retires_at'),
});
