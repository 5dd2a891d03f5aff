// Entries and claims the cluster tests write and check.
import type { AccessClaims } from '../claims.ts';
import type { RevocationEntry } from './entry.ts';
import { revocationKeys } from './keys.ts';

/** One jti per shard (found by trying ids), so that every shard holds something. */
export function onePerShard(prefix: string, label: string, shards: number): RevocationEntry[] {
  const keys = revocationKeys(prefix, { shards });
  const found = new Map<number, RevocationEntry>();
  for (let i = 0; found.size < shards; i++) {
    const id = `${label}-${i}`;
    const shard = keys.shardOf('jti', id);
    if (!found.has(shard)) found.set(shard, { kind: 'jti', id, exp: Math.floor(Date.now() / 1000) + 600 });
  }
  return [...found.values()];
}

export const claimsOf = (jti: string): AccessClaims => ({
  iss: 'i',
  aud: 'a',
  sub: `u-${jti}`,
  sid: `s-${jti}`,
  jti,
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});
