import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLoginRateLimiter } from './rate-limit.ts';

describe('createLoginRateLimiter options', () => {
  const redis = {} as Redis;
  it('refuses rules that are not positive integers', () => {
    expect(() => createLoginRateLimiter({ redis, perIp: { points: 0, durationSec: 60 } })).toThrow(
      RangeError,
    );
    expect(() => createLoginRateLimiter({ redis, perAccount: { points: 5, durationSec: 0.5 } })).toThrow(
      RangeError,
    );
    expect(() =>
      createLoginRateLimiter({ redis, perAccountAnywhere: { points: -1, durationSec: 60 } }),
    ).toThrow(RangeError);
    expect(() => createLoginRateLimiter({ redis, maxLockoutSec: 0 })).toThrow(RangeError);
  });
});
