import type { RevocationKind } from '../claims.ts';

/** Default namespace of every Redis key and channel this package uses. */
export const DEFAULT_PREFIX = 'revoke:';

/**
 * Redis names used by the writer and the feed. All live under one prefix so that several
 * deployments (or tests) can share a Redis without seeing each other.
 */
export interface RevocationKeys {
  /** String key per revoked entry, expiring with it: what a direct check reads. */
  entry(kind: RevocationKind, id: string): string;
  /** Sorted set of every live entry, scored by its expiry: what a snapshot reads. */
  readonly index: string;
  /** Pub/sub channel of {@link RevocationEvent}s. */
  readonly channel: string;
  /**
   * Random value set once Redis holds every live revocation. Missing means Redis lost its data
   * (restart, FLUSHALL) and has not been re-seeded yet, so absence of a key proves nothing.
   */
  readonly epoch: string;
}

/** Key names under `prefix`. */
export function revocationKeys(prefix: string = DEFAULT_PREFIX): RevocationKeys {
  return {
    entry: (kind, id) => `${prefix}${kind}:${id}`,
    index: `${prefix}index`,
    channel: `${prefix}events`,
    epoch: `${prefix}epoch`,
  };
}
