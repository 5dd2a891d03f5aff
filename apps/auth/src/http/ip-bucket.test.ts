import { describe, expect, it } from 'vitest';
import { ipRateLimitBucket } from './ip-bucket.ts';

describe('ipRateLimitBucket', () => {
  it('keeps an IPv4 address, also written IPv4-mapped', () => {
    expect(ipRateLimitBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitBucket('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(ipRateLimitBucket('::ffff:203.0.113.7%eth0')).toBe('203.0.113.7');
  });

  // Regression: the hand-split parser matched only the `::ffff:a.b.c.d` spelling, and put every
  // other spelling of a mapped address into one shared bucket `0:0:0:0::/64`.
  it('an IPv4-mapped address in any spelling is its IPv4 address', () => {
    for (const spelling of [
      '::ffff:cb00:7107',
      '0:0:0:0:0:ffff:203.0.113.7',
      '0:0:0:0:0:FFFF:CB00:7107',
      '0::ffff:203.0.113.7',
      '::0:ffff:203.0.113.7',
    ]) {
      expect(ipRateLimitBucket(spelling), spelling).toBe('203.0.113.7');
    }
    expect(ipRateLimitBucket('::ffff:c633:6401')).toBe('198.51.100.1');
  });

  it('limits IPv6 by /64 in canonical form, whatever the spelling', () => {
    const bucket = '2001:db8:85a3:8d3::/64';
    expect(ipRateLimitBucket('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe(bucket);
    expect(ipRateLimitBucket('2001:0DB8:85A3:08D3::1')).toBe(bucket);
    expect(ipRateLimitBucket('2001:db8:85a3:8d3:ffff::')).toBe(bucket);
    expect(ipRateLimitBucket('2001:db8:85a3:8d3::1%eth0')).toBe(bucket);
    expect(ipRateLimitBucket('2001:db8:85a3:8d4::1')).not.toBe(bucket);
    expect(ipRateLimitBucket('::1')).toBe('::/64');
    expect(ipRateLimitBucket('2001:db8::')).toBe('2001:db8::/64');
    expect(ipRateLimitBucket('fe80::1%eth0')).toBe('fe80::/64');
  });

  // Regression: the hand-split parser dropped the groups after `::` when `::` sat within the first
  // four, so distinct /64s shared a bucket (and one spelling of an address left its own /64).
  it('`::` in any position: the groups after it still count', () => {
    // Two spellings of one address, whatever the bucket's own spelling.
    expect(ipRateLimitBucket('2001:db8::5:0:0:0:1')).toBe(ipRateLimitBucket('2001:db8:0:5::1'));
    expect(ipRateLimitBucket('2001:db8::5:0:0:0:1')).toBe('2001:db8:0:5::/64');
    expect(ipRateLimitBucket('2001::5:a:b:c:d')).toBe('2001:0:0:5::/64');
    expect(ipRateLimitBucket('2001::6:a:b:c:d')).not.toBe(ipRateLimitBucket('2001::5:a:b:c:d'));
    expect(ipRateLimitBucket('1::2:3:4:5:6:7')).toBe('1:0:2:3::/64');
    expect(ipRateLimitBucket('2001::2:3:4:5:6:7')).toBe('2001:0:2:3::/64');
  });

  it('an IPv4 address embedded at the end of an IPv6 one is part of the interface id', () => {
    expect(ipRateLimitBucket('2001:db8::3:4:5:192.0.2.33')).toBe(ipRateLimitBucket('2001:db8:0:3::1'));
    expect(ipRateLimitBucket('2001:db8::3:4:5:192.0.2.33')).toBe('2001:db8:0:3::/64');
    expect(ipRateLimitBucket('2001:db8:1:2:3:4:192.0.2.33')).toBe('2001:db8:1:2::/64');
    expect(ipRateLimitBucket('64:ff9b::192.0.2.33')).toBe('64:ff9b::/64');
  });

  it('passes anything else through unchanged (it is hashed into the key)', () => {
    expect(ipRateLimitBucket('unknown')).toBe('unknown');
    expect(ipRateLimitBucket('[::1]')).toBe('[::1]');
    expect(ipRateLimitBucket('1:2:3:4:5:6:7:8:9')).toBe('1:2:3:4:5:6:7:8:9');
  });
});
