/**
 * A Jepsen-style history of what clients saw, and the checker of our promises against it.
 *
 * The test process records every acknowledged revocation (the logout answered 200) and every
 * verification a service answered, with times from one clock (this process's `performance.now()`).
 * Requests whose outcome is unknown (a logout that timed out, a connection reset) constrain nothing,
 * exactly as in Jepsen: the revocation may or may not have happened.
 */

/** How a service answered a request carrying a token. */
export type Verdict =
  /** 2xx: the token was accepted. */
  | 'accepted'
  /** 401 TOKEN_REVOKED: refused because it was revoked. */
  | 'revoked'
  /** 503 REVOCATION_UNAVAILABLE: the service could not prove the token live and failed closed. */
  | 'unavailable'
  /** Anything else (connection refused while a process restarts, 5xx, timeouts): no information. */
  | 'error';

export interface RevocationAck {
  token: string;
  /** When the logout request was sent and when its 200 arrived (ms, this process's clock). */
  invokedAt: number;
  ackedAt: number;
}

export interface Verification {
  service: string;
  token: string;
  /** When the request was sent and when the answer arrived. */
  sentAt: number;
  answeredAt: number;
  verdict: Verdict;
}

export type Violation =
  | {
      kind: 'accepted-after-deadline';
      service: string;
      token: string;
      /** How long after the acknowledgement the accepted request was sent. */
      delayMs: number;
    }
  | {
      kind: 'accepted-after-rejection';
      service: string;
      token: string;
      rejectedAt: number;
      acceptedAt: number;
    }
  | { kind: 'not-rejected-after-heal'; service: string; token: string; verdict: Verdict | 'never checked' };

export interface CheckOptions {
  /** S: the promised bound between a revocation's acknowledgement and its rejection everywhere. */
  boundMs: number;
  /** When every fault had healed and the system was given S to converge; verifications sent after it must all be `revoked`. */
  healedAt?: number;
  /** Services that must each have checked every acknowledged revocation after `healedAt`. */
  services?: readonly string[];
}

export interface CheckResult {
  violations: Violation[];
  revocations: number;
  verifications: number;
  verdicts: Record<Verdict, number>;
  /**
   * The longest observed gap between a revocation's acknowledgement and a request that a service still
   * accepted (sent after the acknowledgement). 0 when no service ever accepted a revoked token.
   */
  maxAcceptanceAfterAckMs: number;
}

/** Records a history. Append-only; times come from {@link History.now}. */
export class History {
  readonly acks: RevocationAck[] = [];
  readonly verifications: Verification[] = [];

  /** One clock for every event: monotonic, in milliseconds. */
  now(): number {
    return performance.now();
  }

  ack(token: string, invokedAt: number): void {
    this.acks.push({ token, invokedAt, ackedAt: this.now() });
  }

  verified(service: string, token: string, sentAt: number, verdict: Verdict): void {
    this.verifications.push({ service, token, sentAt, answeredAt: this.now(), verdict });
  }

  check(options: CheckOptions): CheckResult {
    return checkHistory(this.acks, this.verifications, options);
  }
}

/**
 * The three invariants of RELIABILITY.md:
 * 1. a request sent more than S after a revocation's acknowledgement is never accepted;
 * 2. once a service refused a token as revoked, a request sent after that answer is never accepted
 *    by it (no flip-flop, whatever happened to Redis in between);
 * 3. after every fault healed, every acknowledged revocation is refused as revoked by every service.
 */
export function checkHistory(
  acks: readonly RevocationAck[],
  verifications: readonly Verification[],
  options: CheckOptions,
): CheckResult {
  const violations: Violation[] = [];
  const verdicts: Record<Verdict, number> = { accepted: 0, revoked: 0, unavailable: 0, error: 0 };
  // The earliest acknowledgement of each token (a token logged out twice is bound by the first).
  const ackedAt = new Map<string, number>();
  for (const ack of acks) ackedAt.set(ack.token, Math.min(ackedAt.get(ack.token) ?? Infinity, ack.ackedAt));

  // Invariant 2 needs each (service, token)'s first `revoked` answer before any later request.
  const firstRejection = new Map<string, number>();
  for (const v of verifications) {
    if (v.verdict !== 'revoked') continue;
    const key = `${v.service}\u0000${v.token}`;
    firstRejection.set(key, Math.min(firstRejection.get(key) ?? Infinity, v.answeredAt));
  }

  let maxAcceptanceAfterAckMs = 0;
  const healedChecks = new Map<string, Verdict>();
  for (const v of verifications) {
    verdicts[v.verdict]++;
    const acked = ackedAt.get(v.token);
    if (v.verdict === 'accepted') {
      if (acked !== undefined && v.sentAt > acked) {
        const delayMs = v.sentAt - acked;
        maxAcceptanceAfterAckMs = Math.max(maxAcceptanceAfterAckMs, delayMs);
        if (delayMs > options.boundMs)
          violations.push({ kind: 'accepted-after-deadline', service: v.service, token: v.token, delayMs });
      }
      const rejectedAt = firstRejection.get(`${v.service}\u0000${v.token}`);
      if (rejectedAt !== undefined && v.sentAt > rejectedAt)
        violations.push({
          kind: 'accepted-after-rejection',
          service: v.service,
          token: v.token,
          rejectedAt,
          acceptedAt: v.sentAt,
        });
    }
    if (options.healedAt !== undefined && acked !== undefined && v.sentAt >= options.healedAt) {
      const key = `${v.service}\u0000${v.token}`;
      // Keep the worst answer seen after healing: one that is not `revoked` is never overwritten.
      if (healedChecks.get(key) === undefined || healedChecks.get(key) === 'revoked')
        healedChecks.set(key, v.verdict);
    }
  }

  if (options.healedAt !== undefined) {
    for (const service of options.services ?? []) {
      for (const token of ackedAt.keys()) {
        const verdict = healedChecks.get(`${service}\u0000${token}`) ?? 'never checked';
        if (verdict !== 'revoked')
          violations.push({ kind: 'not-rejected-after-heal', service, token, verdict });
      }
    }
    // Services not listed still may not answer anything but `revoked` after healing.
    for (const [key, verdict] of healedChecks) {
      const [service, token] = key.split('\u0000') as [string, string];
      if (verdict !== 'revoked' && !options.services?.includes(service))
        violations.push({ kind: 'not-rejected-after-heal', service, token, verdict });
    }
  }

  return {
    violations,
    revocations: ackedAt.size,
    verifications: verifications.length,
    verdicts,
    maxAcceptanceAfterAckMs,
  };
}

/** A short, readable line per violation for a failure message (tokens shortened). */
export function describeViolation(violation: Violation): string {
  const token = `…${violation.token.slice(-12)}`;
  switch (violation.kind) {
    case 'accepted-after-deadline':
      return `${violation.service} accepted ${token} ${violation.delayMs.toFixed(0)} ms after its logout was acknowledged`;
    case 'accepted-after-rejection':
      return `${violation.service} accepted ${token} ${(violation.acceptedAt - violation.rejectedAt).toFixed(0)} ms after refusing it as revoked`;
    case 'not-rejected-after-heal':
      return `${violation.service} answered ${violation.verdict} for revoked ${token} after every fault healed`;
  }
}
