/**
 * How one authentication attempt ended; the label of the checks metric.
 *
 * @example
 * ```ts
 * import type { CheckResult } from '@revoke/auth/metrics';
 *
 * const refused = (result: CheckResult) => result !== 'ok' && result !== 'fail_open';
 * ```
 */
export type CheckResult =
  | 'ok'
  | 'missing'
  | 'invalid'
  | 'expired'
  | 'revoked'
  | 'unavailable'
  /** Redis could not answer and the procedure chose to fail open: accepted, but counted. */
  | 'fail_open';

/**
 * What the guard and the feed report as they work. Every method is optional; the Prometheus
 * implementation is `createAuthMetrics` in `@revoke/auth/metrics`, and tests may pass their own.
 *
 * @example
 * ```ts
 * import { type AuthObserver, createAuthMetrics } from '@revoke/auth/metrics';
 *
 * const observer: AuthObserver = createAuthMetrics(); // the Prometheus implementation
 * observer.check?.('revoked'); // revoke_auth_checks_total{result="revoked"} + 1
 * ```
 */
export interface AuthObserver {
  check?(result: CheckResult): void;
  /** An event was applied to the cache; `delayMs` is from its publication to now. */
  eventApplied?(delayMs: number): void;
  /** The subscriber connection was lost and is being re-established. */
  reconnect?(): void;
  /**
   * A snapshot was loaded: `resumed` when every shard caught up from its stream, `full` when any shard's
   * whole index was read.
   */
  snapshot?(entries: number, durationMs: number, mode: 'full' | 'resumed'): void;
  /** A request was checked against Redis directly because the feed was stale. */
  directCheck?(outcome: 'ok' | 'revoked' | 'unavailable'): void;
}

/**
 * The subset of a pino (or console-like) logger this package writes to.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createRevocationGuard, type Logger } from '@revoke/auth';
 *
 * const logger: Logger = pino();
 * const auth = createRevocationGuard({ issuer: 'https://auth.example.com', audience: 'notes', logger });
 * ```
 */
export interface Logger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** A logger that drops everything: the default, so a library never writes to stdout uninvited. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
