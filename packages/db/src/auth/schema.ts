/**
 * The auth app's drizzle schema: everything in Postgres schema `auth`. drizzle-kit reads this file
 * (`drizzle.auth.config.ts`); `createDb({ service: 'auth' })` passes it to drizzle.
 */

export { refreshTokens, sessions, users } from './accounts.ts';
export { auditLog, type StoredJwk, signingKeys } from './audit-and-keys.ts';
export { CLIENT_CAPABILITIES, type ClientCapability, oauthClients } from './oauth-clients.ts';
export { authSchema } from './pg-schema.ts';
export { refreshTokensRelations, sessionsRelations, usersRelations } from './relations.ts';
export { REVOCATION_KINDS, type RevocationKind, revocations } from './revocations.ts';
