import { describe, expect, it } from 'vitest';
import { checkHistory, describeViolation, type RevocationAck, type Verification } from './history.ts';

const ack = (token: string, ackedAt: number): RevocationAck => ({ token, invokedAt: ackedAt - 5, ackedAt });
const seen = (
  service: string,
  token: string,
  sentAt: number,
  verdict: Verification['verdict'],
): Verification => ({ service, token, sentAt, answeredAt: sentAt + 2, verdict });

describe('checkHistory', () => {
  it('passes a history in which every service refuses within S and stays refusing', () => {
    const result = checkHistory(
      [ack('t1', 100)],
      [
        seen('notes', 't1', 50, 'accepted'),
        seen('notes', 't1', 101, 'accepted'),
        seen('notes', 't1', 110, 'revoked'),
      ],
      { boundMs: 3000 },
    );
    expect(result.violations).toEqual([]);
    expect(result.maxAcceptanceAfterAckMs).toBe(1);
    expect(result.verdicts).toEqual({ accepted: 2, revoked: 1, unavailable: 0, error: 0 });
    expect(result.revocations).toBe(1);
  });

  it('flags an acceptance sent more than S after the acknowledgement', () => {
    const result = checkHistory([ack('t1', 100)], [seen('activity', 't1', 3200, 'accepted')], {
      boundMs: 3000,
    });
    expect(result.violations).toEqual([
      { kind: 'accepted-after-deadline', service: 'activity', token: 't1', delayMs: 3100 },
    ]);
    expect(result.maxAcceptanceAfterAckMs).toBe(3100);
    expect(describeViolation(result.violations[0]!)).toContain('3100 ms after its logout');
  });

  it('flags a service that accepts a token after refusing it as revoked, even within S', () => {
    const result = checkHistory(
      [ack('t1', 100)],
      [
        seen('notes', 't1', 110, 'revoked'),
        seen('notes', 't1', 200, 'accepted'),
        seen('activity', 't1', 105, 'accepted'),
      ],
      { boundMs: 3000 },
    );
    expect(result.violations).toEqual([
      { kind: 'accepted-after-rejection', service: 'notes', token: 't1', rejectedAt: 112, acceptedAt: 200 },
    ]);
  });

  it('does not count a request sent before the refusal arrived as a flip-flop (they overlap)', () => {
    const result = checkHistory(
      [ack('t1', 100)],
      [seen('notes', 't1', 110, 'revoked'), seen('notes', 't1', 111, 'accepted')],
      { boundMs: 3000 },
    );
    expect(result.violations).toEqual([]);
  });

  it('treats unavailable and error answers as no information before healing', () => {
    const result = checkHistory(
      [ack('t1', 100)],
      [seen('notes', 't1', 5000, 'unavailable'), seen('notes', 't1', 6000, 'error')],
      { boundMs: 3000 },
    );
    expect(result.violations).toEqual([]);
  });

  it('after healing, requires every service to have refused every acknowledged revocation as revoked', () => {
    const result = checkHistory(
      [ack('t1', 100), ack('t2', 100)],
      [
        seen('notes', 't1', 9000, 'revoked'),
        seen('notes', 't2', 9000, 'revoked'),
        seen('activity', 't1', 9000, 'revoked'),
        seen('activity', 't1', 9100, 'unavailable'),
      ],
      { boundMs: 3000, healedAt: 8000, services: ['notes', 'activity'] },
    );
    expect(result.violations).toEqual([
      { kind: 'not-rejected-after-heal', service: 'activity', token: 't1', verdict: 'unavailable' },
      { kind: 'not-rejected-after-heal', service: 'activity', token: 't2', verdict: 'never checked' },
    ]);
  });

  it('ignores tokens whose logout was never acknowledged (unknown outcome)', () => {
    const result = checkHistory([], [seen('notes', 'maybe', 9000, 'accepted')], {
      boundMs: 3000,
      healedAt: 8000,
      services: ['notes'],
    });
    expect(result.violations).toEqual([]);
    expect(result.maxAcceptanceAfterAckMs).toBe(0);
  });
});
