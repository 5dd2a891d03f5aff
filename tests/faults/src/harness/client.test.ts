import { describe, expect, it } from 'vitest';
import { verdictOf } from './client.ts';

describe('verdictOf', () => {
  it('maps tRPC answers onto verdicts', () => {
    expect(verdictOf(200, undefined)).toBe('accepted');
    expect(verdictOf(401, 'TOKEN_REVOKED')).toBe('revoked');
    expect(verdictOf(401, 'TOKEN_EXPIRED')).toBe('error');
    expect(verdictOf(503, 'REVOCATION_UNAVAILABLE')).toBe('unavailable');
    expect(verdictOf(500, undefined)).toBe('error');
  });
});
