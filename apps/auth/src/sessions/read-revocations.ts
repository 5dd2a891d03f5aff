import type { AccessClaims } from '@revoke/auth';
import { lookupIds } from '@revoke/auth/internal';
import type { RedisClient, RevocationKeys } from '@revoke/auth/writer';

/** What Redis says of one token: revoked, not revoked, or nothing trustworthy (no epoch: it lost its data). */
export type RevocationVerdict = 'revoked' | 'clear' | 'unknown';

/**
 * Asks Redis itself whether each of these tokens is revoked, in one MGET per shard involved (one on a
 * single Redis), whatever the number of tokens: the same keys and the same rules as the feed's
 * `checkDirect`, for many tokens at once. Each shard's MGET reads its epoch with its entries (one
 * hash tag, so one slot in a cluster); a token whose shards do not all hold this deployment's epoch
 * gets `unknown`, since a missing key then proves nothing. Rejects when Redis does not answer.
 */
export async function readRevocations(
  redis: RedisClient,
  keys: RevocationKeys,
  batch: readonly AccessClaims[],
): Promise<RevocationVerdict[]> {
  const byShard = new Map<number, Set<string>>();
  const wanted = batch.map((claims) =>
    lookupIds(claims).map(([kind, id]) => {
      const shard = keys.shardOf(kind, id);
      const key = keys.entry(kind, id);
      const names = byShard.get(shard) ?? new Set<string>();
      byShard.set(shard, names.add(key));
      return { kind, key, shard };
    }),
  );
  const values = new Map<string, string | null>();
  const trusted = new Set<number>();
  await Promise.all(
    [...byShard].map(async ([shard, names]) => {
      const list = [...names];
      const [epoch, ...found] = await redis.mget(keys.shards[shard]!.epoch, ...list);
      if (epoch?.endsWith(keys.epochSuffix)) trusted.add(shard);
      for (const [n, key] of list.entries()) values.set(key, found[n] ?? null);
    }),
  );
  return batch.map((claims, n) => {
    const ids = wanted[n]!;
    if (!ids.every(({ shard }) => trusted.has(shard))) return 'unknown';
    const revoked = ids.some(({ kind, key }) => {
      const value = values.get(key);
      if (value == null) return false;
      // A user's entry holds a not-before: only tokens issued earlier are revoked.
      return kind !== 'sub' || claims.iat < Number(value);
    });
    return revoked ? 'revoked' : 'clear';
  });
}
