import { describe, expect, it } from 'vitest';
import {
  isRevocationReason,
  isSessionEndReason,
  REVOCATION_REASONS,
  SESSION_END_REASON_OF,
  SESSION_END_REASONS,
  sessionEndReasonOf,
} from './revocation-reasons.ts';

describe('revocation reasons', () => {
  it.each(REVOCATION_REASONS)('%s tells a watched session why it ended', (reason) => {
    expect(SESSION_END_REASONS).toContain(SESSION_END_REASON_OF[reason]);
    expect(sessionEndReasonOf(reason)).toBe(SESSION_END_REASON_OF[reason]);
  });

  it('names each stored reason once', () => {
    expect(new Set(REVOCATION_REASONS).size).toBe(REVOCATION_REASONS.length);
    expect(Object.keys(SESSION_END_REASON_OF).sort()).toEqual([...REVOCATION_REASONS].sort());
  });

  it('says `revoked` for a missing reason or one this version does not know', () => {
    for (const stored of [null, undefined, '', 'LOGOUT', 'password_reset']) {
      expect(sessionEndReasonOf(stored)).toBe('revoked');
      expect(isRevocationReason(stored)).toBe(false);
    }
  });

  it('keeps the stream words apart from the stored ones where they differ', () => {
    expect(isSessionEndReason('signed_out')).toBe(true);
    expect(isSessionEndReason('logout')).toBe(false);
    expect(isSessionEndReason(undefined)).toBe(false);
  });
});
