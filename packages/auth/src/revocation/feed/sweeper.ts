import type { RevocationCache } from '../cache.ts';

/** Entries dropped at most per sweep: a million entries go over a few seconds, never in one long pause. */
const SWEEP_BUDGET = 65_536;

/** Drops expired entries from the cache, a slice at a time (called once per heartbeat). */
export function sweepExpired(cache: RevocationCache, now: number): void {
  cache.sweep(Math.floor(now / 1000), SWEEP_BUDGET);
}
