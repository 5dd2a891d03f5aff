/**
 * `@revoke/auth/writer`: the issuer's side. Writes revocations to Redis and announces them to every
 * service's feed; records the token policy services check at start.
 */
export type { RevocationKind } from './claims.ts';
export type { RedisClient } from './revocation/connection.ts';
export type { RevocationEntry } from './revocation/entry.ts';
export { type IssuerPolicy, writeIssuerPolicy } from './revocation/issuer-policy.ts';
export {
  DEFAULT_PREFIX,
  type RevocationKeys,
  type RevocationKeysOptions,
  revocationKeys,
  type ShardKeys,
} from './revocation/keys.ts';
export {
  createRevocationWriter,
  type RevocationWriter,
  type RevocationWriterOptions,
} from './revocation/writer.ts';
