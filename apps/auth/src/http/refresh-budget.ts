import { eq } from '@revoke/db';
import { type AuthDb, refreshTokens } from '@revoke/db/auth';
import { hashRefreshToken } from '../sessions/refresh-token.ts';
import type { Budget } from './budget.ts';
import { ALLOWED } from './resilient-limiter.ts';

/**
 * A {@link Budget} whose subject is a refresh token, counted against the session it belongs to:
 * the token changes on every refresh, the session does not. Looked up without a lock and before
 * the rotation, so a refused refresh rotates nothing.
 *
 * Not counted: an unknown token (the rotation refuses it without writing anything), and a token
 * rotated more than `reuseGraceSec` ago. That one is reuse, and its refresh ends the session: a
 * thief who spent the session's budget by refreshing a stolen copy must not delay that until the
 * window is over. It ends the session once, so it cannot loop.
 */
export function createRefreshBudget(
  db: AuthDb,
  perSession: Budget,
  options: { reuseGraceSec: number },
): Pick<Budget, 'consume'> {
  return {
    async consume(refreshToken) {
      const [row] = await db
        .select({ sessionId: refreshTokens.sessionId, rotatedAt: refreshTokens.rotatedAt })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hashRefreshToken(refreshToken)));
      if (!row) return ALLOWED;
      const reused =
        row.rotatedAt !== null && Date.now() - row.rotatedAt.getTime() > options.reuseGraceSec * 1000;
      return reused ? ALLOWED : perSession.consume(row.sessionId);
    },
  };
}
