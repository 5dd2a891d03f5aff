import { describe, expect, it } from 'vitest';
import { revocationKeys } from './keys.ts';

describe('revocation keys', () => {
  it('keeps the single-Redis names as they always were', () => {
    const keys = revocationKeys('revoke:');
    expect([keys.index, keys.channel, keys.epoch, keys.entry('jti', 'abc')]).toEqual([
      'revoke:index',
      'revoke:events',
      'revoke:epoch',
      'revoke:jti:abc',
    ]);
    expect(keys.shards).toEqual([
      { index: 'revoke:index', channel: 'revoke:events', epoch: 'revoke:epoch', stream: 'revoke:stream' },
    ]);
    expect(keys.shardOf('sid', 'x')).toBe(0);
    expect(keys.epochSuffix).toBe('');
  });

  it('in a cluster, tags every name of a shard with the same hash tag, and spreads entries over every shard', () => {
    const keys = revocationKeys('revoke:', { shards: 16 });
    expect(keys.shards[3]).toEqual({
      index: 'revoke:{3}:index',
      channel: 'revoke:{3}:events',
      epoch: 'revoke:{3}:epoch',
      stream: 'revoke:{3}:stream',
    });
    expect(keys.epochSuffix).toBe('~s16');
    const shard = keys.shardOf('jti', 'abc');
    expect(keys.entry('jti', 'abc')).toBe(`revoke:{${shard}}:jti:abc`);
    // Stable: the same entry lands on the same shard in every process (FNV-1a of `kind:id`).
    expect(revocationKeys('other:', { shards: 16 }).shardOf('jti', 'abc')).toBe(shard);
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[keys.shardOf('jti', `token-${i}`)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
  });

  it('refuses a shard count that is not a small whole number', () => {
    expect(() => revocationKeys('p:', { shards: 0 })).toThrow(RangeError);
    expect(() => revocationKeys('p:', { shards: 2.5 })).toThrow(RangeError);
  });
});
