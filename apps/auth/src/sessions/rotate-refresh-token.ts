import { eq } from '@revoke/db';
import { type AuthDb, refreshTokens, sessions } from '@revoke/db/auth';
import { hashRefreshToken } from './refresh-token.ts';
import { addRefreshToken, type Tx } from './session-store.ts';
import { openSuccessor, sealSuccessor } from './successor-seal.ts';

/**
 * How a refresh attempt ended. `reused` means the caller must revoke the whole session.
 * `superseded` is a refusal that must NOT revoke it: a token rotated moments ago whose successor
 * cannot be handed out again (see {@link rotateRefreshToken}).
 */
export type RotateResult =
  | { ok: true; sessionId: string; userId: string; clientId: string; refreshToken: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'superseded' }
  | { ok: false; reason: 'reused'; sessionId: string; userId: string };

/**
 * Exchanges a refresh token for a new one (single use, rotated on every refresh). Presenting an
 * already-rotated token means it was copied: someone else holds the family, so the session must end.
 *
 * Within `graceSec` of the rotation it is instead taken as a second tab refreshing at the same
 * moment, and gets THE SAME successor back, unsealed from the row with the presented token: the
 * family never forks, so whichever holder uses the successor first rotates it and the other's later
 * use is reuse. A row rotated within the window that has no readable seal (rotated by code older than
 * the seal, or altered) is refused as `superseded` without revoking: a sibling would fork the family,
 * and revoking would log out a user whose two tabs merely raced during a deploy; theft is still caught
 * once the window has passed, as reuse.
 *
 * The row is locked, so two concurrent refreshes are serialised and the second sees the first's seal.
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
        successorSealed: refreshTokens.successorSealed,
        userId: sessions.userId,
        clientId: sessions.clientId,
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
    const issued = {
      ok: true,
      sessionId: row.sessionId,
      userId: row.userId,
      clientId: row.clientId,
    } as const;
    if (row.rotatedAt) {
      if (now - row.rotatedAt.getTime() > options.graceSec * 1000) {
        return { ok: false, reason: 'reused', sessionId: row.sessionId, userId: row.userId };
      }
      const successor = row.successorSealed ? openSuccessor(token, row.successorSealed) : undefined;
      if (!successor) return { ok: false, reason: 'superseded' };
      await touchSession(tx, row.sessionId, now);
      return { ...issued, refreshToken: successor };
    }
    const next = await addRefreshToken(tx, row.sessionId, options.refreshTtlSec);
    await tx
      .update(refreshTokens)
      .set({
        rotatedAt: new Date(now),
        replacedBy: next.id,
        successorSealed: sealSuccessor(token, next.token),
      })
      .where(eq(refreshTokens.id, row.id));
    await touchSession(tx, row.sessionId, now);
    return { ...issued, refreshToken: next.token };
  });
}

async function touchSession(tx: Tx, sessionId: string, now: number): Promise<void> {
  await tx
    .update(sessions)
    .set({ lastSeenAt: new Date(now) })
    .where(eq(sessions.id, sessionId));
}
