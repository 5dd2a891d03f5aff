import type { AccessClaims, RevocationKind } from '../claims.ts';
import type { RevocationEntry } from './entry.ts';

/**
 * Every live revoked entry, in memory. `isRevoked` is what every request pays for, so it is
 * synchronous and allocation-free: three `Map` look-ups on strings the claims already hold.
 *
 * Entries are merged monotonically (a later expiry or a later not-before wins), so applying the
 * same entry twice, or a snapshot and an event in either order, gives the same state.
 */
export class RevocationCache {
  readonly #expiry: Record<RevocationKind, Map<string, number>> = {
    jti: new Map(),
    sid: new Map(),
    sub: new Map(),
  };
  /** User id → not-before (seconds): tokens of that user issued earlier are revoked. */
  readonly #notBefore = new Map<string, number>();
  /** Expiry second → entries that may expire then; swept in order instead of scanning every entry. */
  readonly #buckets = new Map<number, { kind: RevocationKind; id: string }[]>();
  #sweptUpTo: number;

  constructor(nowSec: number = Math.floor(Date.now() / 1000)) {
    this.#sweptUpTo = nowSec;
  }

  /** Adds or merges one entry. Returns true when it changed the cache. */
  add(entry: RevocationEntry): boolean {
    // Already expired: it can only match tokens nobody accepts any more.
    if (entry.exp <= this.#sweptUpTo) return false;
    const expiries = this.#expiry[entry.kind];
    const previousExp = expiries.get(entry.id);
    let changed = false;
    if (entry.kind === 'sub') {
      const previous = this.#notBefore.get(entry.id);
      if (previous === undefined || entry.notBefore > previous) {
        this.#notBefore.set(entry.id, entry.notBefore);
        changed = true;
      }
    }
    if (previousExp === undefined || entry.exp > previousExp) {
      expiries.set(entry.id, entry.exp);
      this.#schedule(entry.kind, entry.id, entry.exp);
      changed = true;
    }
    return changed;
  }

  /** True when a cached entry revokes these claims. */
  isRevoked(claims: AccessClaims): boolean {
    if (this.#expiry.jti.has(claims.jti) || this.#expiry.sid.has(claims.sid)) return true;
    const notBefore = this.#notBefore.get(claims.sub);
    return notBefore !== undefined && claims.iat < notBefore;
  }

  /** Number of live entries of every kind. */
  get size(): number {
    return this.#expiry.jti.size + this.#expiry.sid.size + this.#expiry.sub.size;
  }

  /** Live entries by kind (for metrics and admin output). */
  sizes(): Record<RevocationKind, number> {
    return { jti: this.#expiry.jti.size, sid: this.#expiry.sid.size, sub: this.#expiry.sub.size };
  }

  /**
   * Drops every entry whose expiry is at or before `nowSec`. Called on a timer; an entry that
   * outlives its second until the next sweep is harmless, since it matches only expired tokens.
   */
  sweep(nowSec: number = Math.floor(Date.now() / 1000)): number {
    let dropped = 0;
    for (let second = this.#sweptUpTo + 1; second <= nowSec; second++) {
      const bucket = this.#buckets.get(second);
      if (!bucket) continue;
      this.#buckets.delete(second);
      for (const { kind, id } of bucket) {
        // The entry may have been extended to a later second since it was put in this bucket.
        if (this.#expiry[kind].get(id) !== second) continue;
        this.#expiry[kind].delete(id);
        if (kind === 'sub') this.#notBefore.delete(id);
        dropped++;
      }
    }
    this.#sweptUpTo = Math.max(this.#sweptUpTo, nowSec);
    return dropped;
  }

  #schedule(kind: RevocationKind, id: string, exp: number): void {
    const bucket = this.#buckets.get(exp);
    if (bucket) bucket.push({ kind, id });
    else this.#buckets.set(exp, [{ kind, id }]);
  }
}
