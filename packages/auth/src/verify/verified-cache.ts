import type { AccessClaims } from '../claims.ts';

/**
 * A bounded map from token string to the frozen claims it verified to. Eviction is by insertion
 * order (a Map iterates oldest first), which keeps a hit to one `get`: no reordering, no allocation.
 * Only `exp` is re-checked on a hit; revocation is the caller's job on every use (docs/architecture.md, "Invariants").
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, AccessClaims>();
  readonly #maxSize: number;

  /** @param maxSize - entries kept at most; 0 disables the cache. */
  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  /** Number of entries currently held (expired ones included until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The claims cached for `token` if `exp` is still ahead of `nowSec - toleranceSec`, the same
   * rule jose applies (`exp <= now - tolerance` is expired). An expired entry is deleted.
   */
  get(token: string, nowSec: number, toleranceSec: number): AccessClaims | undefined {
    const claims = this.#entries.get(token);
    if (claims === undefined) return undefined;
    if (claims.exp <= nowSec - toleranceSec) {
      this.#entries.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Remembers `claims` for `token`, evicting the oldest entry when full. */
  set(token: string, claims: AccessClaims): void {
    if (this.#maxSize <= 0) return;
    if (!this.#entries.has(token) && this.#entries.size >= this.#maxSize) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, claims);
  }
}
