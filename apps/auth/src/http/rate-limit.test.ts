import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLoginRateLimiter, ipRateLimitBucket } from './rate-limit.ts';

describe('ipRateLimitBucket', () => {
  it('keeps an IPv4 address, also written IPv4-mapped', () => {
    expect(ipRateLimitBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitBucket('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('limits IPv6 by /64, whatever the spelling', () => {
    const bucket = '2001:db8:85a3:8d3::/64';
    expect(ipRateLimitBucket('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe(bucket);
    expect(ipRateLimitBucket('2001:0DB8:85A3:08D3::1')).toBe(bucket);
    expect(ipRateLimitBucket('2001:db8:85a3:8d3:ffff::')).toBe(bucket);
    expect(ipRateLimitBucket('2001:db8:85a3:8d3::1%eth0')).toBe(bucket);
    expect(ipRateLimitBucket('2001:db8:85a3:8d4::1')).not.toBe(bucket);
    expect(ipRateLimitBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipRateLimitBucket('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(ipRateLimitBucket('64:ff9b::192.0.2.33')).toBe('64:ff9b:0:0::/64');
  });

  it('passes anything else through unchanged (it is hashed into the key)', () => {
    expect(ipRateLimitBucket('unknown')).toBe('unknown');
  });
});

describe('createLoginRateLimiter options', () => {
  const redis = {} as Redis;
  it('refuses rules that are not positive integers', () => {
    expect(() => createLoginRateLimiter({ redis, perIp: { points: 0, durationSec: 60 } })).toThrow(
      RangeError,
    );
    expect(() => createLoginRateLimiter({ redis, perAccount: { points: 5, durationSec: 0.5 } })).toThrow(
      RangeError,
    );
  });
});
