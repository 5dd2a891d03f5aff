import { describe, expect, it } from 'vitest';
import { MIN_REFRESH_DELAY_MS, refreshDelayMs, retryDelayMs } from './refresh-schedule.ts';

describe('refreshDelayMs', () => {
  it('refreshes once the configured fraction of the lifetime has passed', () => {
    expect(refreshDelayMs({ receivedAt: 0, expiresAt: 900_000, refreshAt: 0.75, now: 0 })).toBe(675_000);
    expect(refreshDelayMs({ receivedAt: 0, expiresAt: 30_000, refreshAt: 0.5, now: 10_000 })).toBe(5_000);
  });

  it('is never sooner than the minimum while the token is valid, and 0 once it expired', () => {
    expect(refreshDelayMs({ receivedAt: 0, expiresAt: 30_000, refreshAt: 0.5, now: 20_000 })).toBe(
      MIN_REFRESH_DELAY_MS,
    );
    expect(refreshDelayMs({ receivedAt: 0, expiresAt: 30_000, refreshAt: 0.5, now: 30_000 })).toBe(0);
  });
});

describe('retryDelayMs', () => {
  it('backs off exponentially up to 30 s', () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([2000, 4000, 8000, 30_000]);
  });
});
