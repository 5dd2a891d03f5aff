import { z } from 'zod';
import type { AccessClaims, RevocationKind } from '../claims.ts';

/** A UUID in any case: its canonical spelling is lower case (RFC 9562 §4). */
const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one spelling of an id that revocations are stored, announced and looked up under: a UUID
 * (session and user ids) in lower case, anything else as it is. Applied where an entry is made (the
 * schema below, so the writer, events and snapshots all agree) and where a token's ids are looked up,
 * so `ABC…` revoked by a caller and `abc…` carried by a token are the same id. A `jti` is compared
 * exactly (base64url is case-sensitive); one that happens to be UUID-shaped is folded like the rest,
 * which can only make a revocation match more, never less.
 */
export function canonicalId(id: string): string {
  return id.length === 36 && UUID_ANY_CASE.test(id) ? id.toLowerCase() : id;
}

const id = z.string().min(1).max(255).transform(canonicalId);
/** Seconds since the epoch, whole. */
const epochSeconds = z.number().int().nonnegative();

/**
 * One revoked thing, as stored in Redis, carried in events and held in every service's cache.
 * `exp` is when the entry may be forgotten: no token it could match is still accepted after it.
 */
export const revocationEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('jti'), id, exp: epochSeconds }),
  z.object({ kind: z.literal('sid'), id, exp: epochSeconds }),
  z.object({ kind: z.literal('sub'), id, notBefore: epochSeconds, exp: epochSeconds }),
  z.object({ kind: z.literal('kid'), id, exp: epochSeconds }),
]);

/**
 * A revoked token (`jti`), session (`sid`), every token of a user issued before `notBefore` (`sub`),
 * or every token signed by a withdrawn key (`kid`). Ids are canonical ({@link canonicalId}).
 *
 * @example
 * ```ts
 * import type { RevocationEntry } from '@revoke/auth/writer';
 *
 * const now = Math.floor(Date.now() / 1000);
 * const entries: RevocationEntry[] = [
 *   { kind: 'jti', id: claims.jti, exp: claims.exp },
 *   { kind: 'sid', id: claims.sid, exp: now + 900 }, // when the session's last access token expires
 *   { kind: 'sub', id: claims.sub, notBefore: now, exp: now + 900 },
 * ];
 * await writer.writeAll(entries);
 * ```
 */
export type RevocationEntry = z.output<typeof revocationEntrySchema>;

/** A Redis Stream entry id (`<ms>-<seq>`). */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * Messages on the revocation channel. Versioned: a service ignores (and counts) a version it does
 * not know rather than misreading it. `at` is the publisher's clock in ms, for the delay metric.
 * `resync` tells every feed to take a fresh snapshot (sent after Redis was re-seeded). The same
 * messages, without `pos`, are what each shard's stream holds.
 */
export const revocationEventSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(1),
    type: z.literal('revoked'),
    entry: revocationEntrySchema,
    at: z.number(),
    /** Its id in the shard's stream, added by the writer's script: where a feed that reconnects resumes. */
    pos: z.string().regex(STREAM_ID).optional(),
  }),
  z.object({ v: z.literal(1), type: z.literal('resync'), epoch: z.string().min(1), at: z.number() }),
]);

/** A message on the revocation channel. */
export type RevocationEvent = z.infer<typeof revocationEventSchema>;

/**
 * The revocation keys a token is looked up under, canonical, in the order jti, sid, sub, kid (the
 * last only when the claims carry the signing key's id): what a direct check reads from Redis.
 */
export function lookupIds(claims: AccessClaims): [RevocationKind, string][] {
  const ids: [RevocationKind, string][] = [
    ['jti', canonicalId(claims.jti)],
    ['sid', canonicalId(claims.sid)],
    ['sub', canonicalId(claims.sub)],
  ];
  if (claims.kid !== undefined) ids.push(['kid', claims.kid]);
  return ids;
}

/** True when `entry` (canonical, as the schema makes it) revokes the token with these claims. */
export function entryMatches(entry: RevocationEntry, claims: AccessClaims): boolean {
  switch (entry.kind) {
    case 'jti':
      return entry.id === canonicalId(claims.jti);
    case 'sid':
      return entry.id === canonicalId(claims.sid);
    case 'sub':
      return entry.id === canonicalId(claims.sub) && claims.iat < entry.notBefore;
    case 'kid':
      return claims.kid !== undefined && entry.id === claims.kid;
  }
}

/**
 * The member of the snapshot index for an entry. The not-before sits before the id so that ids
 * may contain ':' and still decode unambiguously.
 */
export function indexMember(entry: RevocationEntry): string {
  return entry.kind === 'sub' ? `sub:${entry.notBefore}:${entry.id}` : `${entry.kind}:${entry.id}`;
}

/** Inverse of {@link indexMember}; undefined for a member this version does not understand. */
export function entryFromIndex(member: string, exp: number): RevocationEntry | undefined {
  const colon = member.indexOf(':');
  const kind = member.slice(0, colon);
  const rest = member.slice(colon + 1);
  if (colon < 0 || rest === '') return undefined;
  if (kind === 'jti' || kind === 'sid' || kind === 'kid') return { kind, id: rest, exp };
  if (kind !== 'sub') return undefined;
  const second = rest.indexOf(':');
  const notBefore = Number(rest.slice(0, second));
  const id = rest.slice(second + 1);
  if (second < 0 || !Number.isInteger(notBefore) || id === '') return undefined;
  return { kind, id, notBefore, exp };
}
