import { z } from 'zod';
import type { AccessClaims } from '../claims.ts';

const id = z.string().min(1).max(255);
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
]);

/** A revoked token (`jti`), session (`sid`), or every token of a user issued before `notBefore` (`sub`). */
export type RevocationEntry = z.infer<typeof revocationEntrySchema>;

/**
 * Messages on the revocation channel. Versioned: a service ignores (and counts) a version it does
 * not know rather than misreading it. `at` is the publisher's clock in ms, for the delay metric.
 * `resync` tells every feed to take a fresh snapshot (sent after Redis was re-seeded).
 */
export const revocationEventSchema = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('revoked'), entry: revocationEntrySchema, at: z.number() }),
  z.object({ v: z.literal(1), type: z.literal('resync'), epoch: z.string().min(1), at: z.number() }),
]);

/** A message on the revocation channel. */
export type RevocationEvent = z.infer<typeof revocationEventSchema>;

/** True when `entry` revokes the token with these claims. */
export function entryMatches(entry: RevocationEntry, claims: AccessClaims): boolean {
  switch (entry.kind) {
    case 'jti':
      return entry.id === claims.jti;
    case 'sid':
      return entry.id === claims.sid;
    case 'sub':
      return entry.id === claims.sub && claims.iat < entry.notBefore;
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
  if (kind === 'jti' || kind === 'sid') return { kind, id: rest, exp };
  if (kind !== 'sub') return undefined;
  const second = rest.indexOf(':');
  const notBefore = Number(rest.slice(0, second));
  const id = rest.slice(second + 1);
  if (second < 0 || !Number.isInteger(notBefore) || id === '') return undefined;
  return { kind, id, notBefore, exp };
}
