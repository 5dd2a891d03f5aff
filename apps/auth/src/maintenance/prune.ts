import {
  and,
  eq,
  inArray,
  isNotNull,
  isNull,
  lt,
  notExists,
  type SQL,
  type SQLWrapper,
  sql,
} from '@revoke/db';
import { type AuthDb, auditLog, refreshTokens, revocations, sessions } from '@revoke/db/auth';
import type { PrunePolicy } from './prune-policy.ts';

/** Rows deleted by one run, per table. Users are never deleted by pruning. */
export interface PruneCounts {
  refreshTokens: number;
  sessions: number;
  revocations: number;
  auditLog: number;
}

/** What one run did, and why it stopped. */
export interface PruneResult extends PruneCounts {
  total: number;
  /**
   * `done`: nothing left to delete; `cap`: `maxRowsPerRun` reached, the next run goes on; `busy`:
   * another instance holds the prune lock, so this one leaves the work to it; `aborted`: stopped by the signal.
   */
  stopped: 'done' | 'cap' | 'busy' | 'aborted';
}

type Tx = Parameters<Parameters<AuthDb['transaction']>[0]>[0];
type PrunedTable = typeof refreshTokens | typeof sessions | typeof revocations | typeof auditLog;

/** One kind of deletion: deletes at most `limit` rows in `tx` and says how many. */
interface Stage {
  counts: keyof PruneCounts;
  deleteBatch(tx: Tx, limit: number): Promise<number>;
}

// Transaction-scoped, so it can never outlive its batch on a pooled connection; plain Postgres, so
// PGlite (one connection, one process) takes it too, and there it always succeeds.
const TRY_LOCK = sql`SELECT pg_try_advisory_xact_lock(hashtext('auth.prune')) AS locked`;

async function tryLock(tx: Tx): Promise<boolean> {
  // Both drivers (pg and PGlite) return `{ rows }` from execute.
  const result = (await tx.execute(TRY_LOCK)) as unknown as { rows: { locked: boolean }[] };
  return result.rows[0]?.locked === true;
}

/**
 * Deletes what no reader needs any more, in batches of at most `policy.batchSize` rows, each batch in
 * its own short transaction under a Postgres advisory lock (so only one auth instance prunes at a
 * time), until nothing is left or `policy.maxRowsPerRun` rows are gone. Tables take turns, one batch
 * each, so a backlog in one does not starve the others.
 *
 * Never deleted: users; a revocation not yet relayed (the outbox) or not yet past its expiry plus
 * `policy.expiredRevocationSec`; a session neither ended nor idle, or the refresh tokens of one.
 *
 * @example
 * const result = await pruneOnce(db, prunePolicyOf(env));
 * if (result.stopped === 'cap') logger.info(result, 'more to prune at the next run');
 */
export async function pruneOnce(
  db: AuthDb,
  policy: PrunePolicy,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<PruneResult> {
  const counts: PruneCounts = { refreshTokens: 0, sessions: 0, revocations: 0, auditLog: 0 };
  const result = (stopped: PruneResult['stopped']): PruneResult => ({
    ...counts,
    total: counts.refreshTokens + counts.sessions + counts.revocations + counts.auditLog,
    stopped,
  });
  let budget = policy.maxRowsPerRun;
  let pending = stagesOf(policy, options.now ?? new Date());
  // Bounded by the budget: a stage stays pending only after a full batch, which spends `limit` >= 1 rows.
  while (pending.length > 0) {
    const full: Stage[] = [];
    for (const stage of pending) {
      if (budget <= 0) return result('cap');
      if (options.signal?.aborted) return result('aborted');
      const limit = Math.min(policy.batchSize, budget);
      const deleted = await db.transaction(async (tx) =>
        (await tryLock(tx)) ? stage.deleteBatch(tx, limit) : undefined,
      );
      if (deleted === undefined) return result('busy');
      counts[stage.counts] += deleted;
      budget -= deleted;
      if (deleted === limit) full.push(stage);
    }
    pending = full;
  }
  return result('done');
}

/**
 * `DELETE … WHERE id IN (SELECT id … LIMIT n FOR UPDATE SKIP LOCKED) AND recheck`. A row another
 * transaction holds (a logout merging into a revocation, a refresh rotating a token) is skipped, not
 * waited for: pruning never holds up a request, nor keeps a row locked where the relay (which skips
 * locked rows too) would then pass it over. The next run takes it if it is still due. The recheck
 * repeats the condition wherever a concurrent writer can change it: a row updated between the
 * subquery and the delete is judged on its new version, so a revocation a logout just merged into
 * (later expiry, back in the outbox) is kept.
 */
function stage(
  counts: keyof PruneCounts,
  table: PrunedTable,
  candidates: (tx: Tx, limit: number) => SQLWrapper,
  recheck?: SQL,
): Stage {
  return {
    counts,
    deleteBatch: async (tx, limit) => {
      const rows = await tx
        .delete(table)
        .where(and(inArray(table.id, candidates(tx, limit)), recheck))
        .returning({ id: table.id });
      return rows.length;
    },
  };
}

/** The deletions, in the order a round runs them. */
function stagesOf(policy: PrunePolicy, now: Date): Stage[] {
  const ago = (sec: number) => new Date(now.getTime() - sec * 1000);
  const tokenExpired = lt(refreshTokens.expiresAt, ago(policy.expiredRefreshTokenSec));
  const sessionEnded = lt(sessions.revokedAt, ago(policy.endedSessionSec));
  const sessionIdle = and(isNull(sessions.revokedAt), lt(sessions.lastSeenAt, ago(policy.idleSessionSec)))!;
  const revocationDone = and(
    isNotNull(revocations.relayedAt),
    lt(revocations.expiresAt, ago(policy.expiredRevocationSec)),
  )!;
  // A session goes only once the stages before have deleted its refresh tokens in batches, so the
  // cascade never deletes an unbounded number of rows in one statement.
  const sessionsWithoutTokens = (tx: Tx, condition: SQL, limit: number) =>
    tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(
        and(
          condition,
          notExists(
            tx.select({ one: sql`1` }).from(refreshTokens).where(eq(refreshTokens.sessionId, sessions.id)),
          ),
        ),
      )
      .limit(limit)
      .for('update', { skipLocked: true });

  const stages = [
    stage(
      'refreshTokens',
      refreshTokens,
      (tx, limit) =>
        tx
          .select({ id: refreshTokens.id })
          .from(refreshTokens)
          .where(tokenExpired)
          .limit(limit)
          .for('update', { skipLocked: true }),
      tokenExpired,
    ),
    // An ended session's tokens are refused whatever their expiry. `revoked_at` is never cleared or
    // moved, so no recheck is needed here or for ended sessions below.
    stage('refreshTokens', refreshTokens, (tx, limit) =>
      tx
        .select({ id: refreshTokens.id })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(sessionEnded)
        .limit(limit)
        .for('update', { skipLocked: true }),
    ),
    stage('sessions', sessions, (tx, limit) => sessionsWithoutTokens(tx, sessionEnded, limit)),
    // A logout that ends an idle session meanwhile takes it out of this stage (its reason is kept).
    stage('sessions', sessions, (tx, limit) => sessionsWithoutTokens(tx, sessionIdle, limit), sessionIdle),
    stage(
      'revocations',
      revocations,
      (tx, limit) =>
        tx
          .select({ id: revocations.id })
          .from(revocations)
          .where(revocationDone)
          .limit(limit)
          .for('update', { skipLocked: true }),
      revocationDone,
    ),
  ];
  if (policy.auditSec !== undefined) {
    // Append-only: no writer changes an old row.
    const old = lt(auditLog.at, ago(policy.auditSec));
    stages.push(
      stage('auditLog', auditLog, (tx, limit) =>
        tx
          .select({ id: auditLog.id })
          .from(auditLog)
          .where(old)
          .limit(limit)
          .for('update', { skipLocked: true }),
      ),
    );
  }
  return stages;
}
