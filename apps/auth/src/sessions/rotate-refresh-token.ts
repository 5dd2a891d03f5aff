import { eq } from '@revoke/db';
import { type AuthDb, refreshTokens, sessions } from '@revoke/db/auth';
import { hashRefreshToken } from './refresh-token.ts';
import { addRefreshToken } from './session-store.ts';

/** How a refresh attempt ended. `reused` means the caller must revoke the whole session. */
export type RotateResult =
  | { ok: true; sessionId: string; userId: string; refreshToken: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' }
  | { ok: false; reason: 'reused'; sessionId: string; userId: string };

/**
 * Exchanges a refresh token for a new one (single use, rotated on every refresh). Presenting an
 * already-rotated token means it was copied: someone else holds the family, so the session must end.
 * Within `graceSec` of the rotation it is instead taken as a second tab refreshing at the same moment
 * and gets a sibling token. The row is locked, so two concurrent refreshes are serialised.
 */
export async function rotateRefreshToken(
  db: AuthDb,
  token: string,
  options: { refreshTtlSec: number; graceSec: number; now?: number },
): Promise<RotateResult> {
  const now = options.now ?? Date.now();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        id: refreshTokens.id,
        sessionId: refreshTokens.sessionId,
        expiresAt: refreshTokens.expiresAt,
        rotatedAt: refreshTokens.rotatedAt,
        userId: sessions.userId,
        revokedAt: sessions.revokedAt,
      })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)))
      // Locks the token and its session row: concurrent refreshes of one token are serialised.
      .for('update');
    if (!row) return { ok: false, reason: 'invalid' };
    if (row.revokedAt) return { ok: false, reason: 'revoked' };
    if (row.expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
    if (row.rotatedAt && now - row.rotatedAt.getTime() > options.graceSec * 1000) {
      return { ok: false, reason: 'reused', sessionId: row.sessionId, userId: row.userId };
    }
    const next = await addRefreshToken(tx, row.sessionId, options.refreshTtlSec);
    if (!row.rotatedAt) {
      await tx
        .update(refreshTokens)
        .set({ rotatedAt: new Date(now), replacedBy: next.id })
        .where(eq(refreshTokens.id, row.id));
    }
    await tx
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.id, row.sessionId));
    return { ok: true, sessionId: row.sessionId, userId: row.userId, refreshToken: next.token };
  });
}
