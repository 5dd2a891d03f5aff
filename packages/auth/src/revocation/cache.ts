import type { AccessClaims, RevocationKind } from '../claims.ts';
import { CompactIdSet } from './compact-id-set.ts';
import { CompactNotBeforeMap } from './compact-not-before-map.ts';
import { entryFromIndex, type RevocationEntry } from './entry.ts';

/**
 * Every live revoked entry, in memory. `isRevoked` is what every request pays for, so it is
 * synchronous and allocation-free: a look-up in each compact table (`jti`, `sid`, and user
 * not-befores while any is held), and a `Map` look-up for withdrawn keys only while one is held. Ids
 * are compared in their canonical spelling (`canonicalId`): entries are made canonical where they
 * are parsed, claims where the token is verified, and the compact tables read a UUID in either case
 * as one id anyway.
 *
 * Entries are merged monotonically (a later expiry or a later not-before wins), so applying the
 * same entry twice, or a snapshot and an event in either order, gives the same state.
 */
export class RevocationCache {
  readonly #jti = new CompactIdSet();
  readonly #sid = new CompactIdSet();
  /** User id → not-before (seconds): tokens of that user issued earlier are revoked. */
  readonly #notBefore = new CompactNotBeforeMap();
  /**
   * Withdrawn signing key → when its last token expires. A plain `Map`, since it is almost always
   * empty and never large: one entry per signing key withdrawn within a token lifetime (a rotation
   * or an incident, not a per-user or per-request event), and a `kid` is any string the issuer picks,
   * not an id the codec packs.
   */
  readonly #kid = new Map<string, number>();
  #sweptUpTo: number;

  constructor(nowSec: number = Math.floor(Date.now() / 1000)) {
    this.#sweptUpTo = nowSec;
  }

  /** Adds or merges one entry. Returns true when it changed the cache. */
  add(entry: RevocationEntry): boolean {
    // Already expired: it can only match tokens nobody accepts any more.
    if (entry.exp <= this.#sweptUpTo) return false;
    if (entry.kind === 'jti') return this.#jti.add(entry.id, entry.exp);
    if (entry.kind === 'sid') return this.#sid.add(entry.id, entry.exp);
    if (entry.kind === 'kid') {
      const exp = this.#kid.get(entry.id);
      if (exp !== undefined && exp >= entry.exp) return false;
      this.#kid.set(entry.id, entry.exp);
      return true;
    }
    return this.#notBefore.add(entry.id, entry.notBefore, entry.exp);
  }

  /**
   * Adds an entry straight from its snapshot-index member (`jti:<id>`, `sid:<id>`, `sub:<nb>:<id>`)
   * and expiry: the snapshot's hot loop, without making an entry object for the common kinds.
   * Returns false for a member it does not understand.
   */
  addIndexMember(member: string, exp: number): boolean {
    if (exp <= this.#sweptUpTo) return true;
    if (member.startsWith('jti:')) {
      if (member.length > 4) this.#jti.add(member, exp, 4);
      return member.length > 4;
    }
    if (member.startsWith('sid:')) {
      if (member.length > 4) this.#sid.add(member, exp, 4);
      return member.length > 4;
    }
    const entry = entryFromIndex(member, exp);
    if (entry) this.add(entry);
    return entry !== undefined;
  }

  /**
   * Makes room for `entries` entries in all (before loading a snapshot), so the id
   * tables are sized once rather than grown step by step.
   */
  reserve(entries: number): void {
    this.#jti.reserve(entries);
  }

  /** True when a cached entry revokes these claims. */
  isRevoked(claims: AccessClaims): boolean {
    if (this.#jti.has(claims.jti) || this.#sid.has(claims.sid)) return true;
    if (this.#kid.size !== 0 && claims.kid !== undefined && this.#kid.has(claims.kid)) return true;
    if (this.#notBefore.size === 0) return false;
    // Verified claims are canonical already (`toAccessClaims`): no folding on the request path.
    const notBefore = this.#notBefore.notBefore(claims.sub);
    return notBefore !== undefined && claims.iat < notBefore;
  }

  /** True when the signing key with this `kid` was withdrawn (its tokens are revoked). */
  isKeyWithdrawn(kid: string): boolean {
    return this.#kid.size !== 0 && this.#kid.has(kid);
  }

  /** Number of live entries of every kind. */
  get size(): number {
    return this.#jti.size + this.#sid.size + this.#notBefore.size + this.#kid.size;
  }

  /** Live entries by kind (for metrics and admin output). */
  sizes(): Record<RevocationKind, number> {
    return { jti: this.#jti.size, sid: this.#sid.size, sub: this.#notBefore.size, kid: this.#kid.size };
  }

  /**
   * Drops entries whose expiry is at or before `nowSec`, looking at up to `budget` slots of each
   * compact table (default: all). An entry that outlives its second until a later sweep is harmless, since it
   * matches only expired tokens.
   */
  sweep(nowSec: number = Math.floor(Date.now() / 1000), budget?: number): number {
    let dropped =
      this.#jti.sweep(nowSec, budget) +
      this.#sid.sweep(nowSec, budget) +
      this.#notBefore.sweep(nowSec, budget);
    for (const [id, exp] of this.#kid) {
      if (exp > nowSec) continue;
      this.#kid.delete(id);
      dropped++;
    }
    this.#sweptUpTo = Math.max(this.#sweptUpTo, nowSec);
    return dropped;
  }
}
