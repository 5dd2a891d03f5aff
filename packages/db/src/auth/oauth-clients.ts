import { sql } from 'drizzle-orm';
import { check, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';
import { authSchema } from './pg-schema.ts';

/** What a confidential client may do at the auth app's OAuth endpoints. */
export const CLIENT_CAPABILITIES = ['introspect', 'revoke', 'service'] as const;

/** One of {@link CLIENT_CAPABILITIES}. */
export type ClientCapability = (typeof CLIENT_CAPABILITIES)[number];

/**
 * Confidential OAuth clients registered by an operator (`admin client create`): each one its own id,
 * audited and revocable apart. `secret_hash` is the SHA-256 hex of a 256-bit random secret the server
 * generated and showed once: a fast hash suffices for such input, and a leaked table yields no secret.
 * `capabilities`: `introspect` (RFC 7662), `revoke` (RFC 7009, with its own credentials),
 * `service` (service tokens by the client credentials grant).
 */
export const oauthClients = authSchema.table(
  'oauth_clients',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    capabilities: text('capabilities', { enum: CLIENT_CAPABILITIES }).array().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('oauth_clients_id_shape', sql`${t.id} ~ '^[a-z][a-z0-9-]{1,31}$'`),
    check('oauth_clients_secret_hash_sha256_hex', sql`${t.secretHash} ~ '^[0-9a-f]{64}$'`),
  ],
);
