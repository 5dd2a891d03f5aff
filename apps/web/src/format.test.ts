import { describe, expect, it } from 'vitest';
import { describeUserAgent, formatRelative } from './format.ts';

describe('describeUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
      'Chrome on Linux',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'Safari on iOS',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
      'Firefox on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0',
      'Edge on Windows',
    ],
    ['curl/8.5.0', 'curl'],
    [null, 'Unknown device'],
  ])('%s → %s', (userAgent, name) => {
    expect(describeUserAgent(userAgent)).toBe(name);
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-03-12T12:00:00Z');
  it('says just now, minutes, hours and days', () => {
    expect(formatRelative('2026-03-12T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-03-12T11:55:00Z', now)).toMatch(/5 minutes ago/);
    expect(formatRelative('2026-03-12T09:00:00Z', now)).toMatch(/3 hours ago/);
    expect(formatRelative('2026-03-10T12:00:00Z', now)).toMatch(/2 days ago/);
  });
});
