import type { Env } from '../env.ts';

/**
 * Kept past every expiry the job reads, on top of what correctness needs: clocks of the auth
 * instances and of Postgres may disagree, and the rows it covers are small.
 */
export const PRUNE_MARGIN_SEC = 3600;

/** What the pruning job deletes, and how much per statement and per run. Every age is in seconds. */
export interface PrunePolicy {
  /** Rows per `DELETE` statement: each batch is its own short transaction. */
  batchSize: number;
  /** Rows per run over every table, so one run never holds the database long; the next run goes on. */
  maxRowsPerRun: number;
  /** A refresh token is deleted this long after its `expires_at`. */
  expiredRefreshTokenSec: number;
  /** An ended session (`revoked_at`), and its refresh tokens, is deleted this long after it ended. */
  endedSessionSec: number;
  /**
   * A session never ended but with no refresh token left is deleted once unseen this long: past
   * every token it could have issued, refresh or access.
   */
  idleSessionSec: number;
  /** A relayed revocation is deleted this long after its `expires_at`; an unrelayed one never is. */
  expiredRevocationSec: number;
  /** Audit rows older than this are deleted; `undefined` keeps them forever. */
  auditSec: number | undefined;
}

/**
 * The policy of the running app. Revocations outlive their expiry by the clock tolerance (Redis, the
 * services' caches and the re-seed all keep them that long) plus the margin.
 */
export function prunePolicyOf(
  env: Pick<
    Env,
    | 'PRUNE_BATCH_SIZE'
    | 'PRUNE_MAX_ROWS_PER_RUN'
    | 'SESSION_ENDED_RETENTION_SEC'
    | 'AUDIT_RETENTION_DAYS'
    | 'REFRESH_TOKEN_TTL_SEC'
    | 'ACCESS_TOKEN_TTL_SEC'
    | 'CLOCK_TOLERANCE_SEC'
  >,
): PrunePolicy {
  return {
    batchSize: env.PRUNE_BATCH_SIZE,
    maxRowsPerRun: env.PRUNE_MAX_ROWS_PER_RUN,
    expiredRefreshTokenSec: PRUNE_MARGIN_SEC,
    endedSessionSec: env.SESSION_ENDED_RETENTION_SEC,
    idleSessionSec:
      Math.max(env.REFRESH_TOKEN_TTL_SEC, env.ACCESS_TOKEN_TTL_SEC + env.CLOCK_TOLERANCE_SEC) +
      PRUNE_MARGIN_SEC,
    expiredRevocationSec: env.CLOCK_TOLERANCE_SEC + PRUNE_MARGIN_SEC,
    auditSec: env.AUDIT_RETENTION_DAYS > 0 ? env.AUDIT_RETENTION_DAYS * 86_400 : undefined,
  };
}
