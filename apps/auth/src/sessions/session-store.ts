import { and, desc, eq, isNull, ne } from '@revoke/db';
import { type AuthDb, refreshTokens, sessions } from '@revoke/db/auth';
import { hashRefreshToken, newRefreshToken } from './refresh-token.ts';

/** A database or an open transaction. */
export type Tx = Parameters<Parameters<AuthDb['transaction']>[0]>[0] | AuthDb;

/** Starts a session (one device) and its first refresh token. */
export async function startSession(
  tx: Tx,
  input: {
    userId: string;
    userAgent: string | undefined;
    ip: string | undefined;
    refreshTtlSec: number;
    /** The first-party client signing in (default `revoke-cli`): its tokens' `client_id`. */
    clientId?: string;
  },
): Promise<{ sessionId: string; refreshToken: string }> {
  const [session] = await tx
    .insert(sessions)
    .values({
      userId: input.userId,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip ?? null,
      ...(input.clientId ? { clientId: input.clientId } : {}),
    })
    .returning({ id: sessions.id });
  const refreshToken = await addRefreshToken(tx, session!.id, input.refreshTtlSec);
  return { sessionId: session!.id, refreshToken: refreshToken.token };
}

/** A new refresh token in a session's family. */
export async function addRefreshToken(
  tx: Tx,
  sessionId: string,
  ttlSec: number,
): Promise<{ id: string; token: string }> {
  const token = newRefreshToken();
  const [row] = await tx
    .insert(refreshTokens)
    .values({
      sessionId,
      tokenHash: hashRefreshToken(token),
      expiresAt: new Date(Date.now() + ttlSec * 1000),
    })
    .returning({ id: refreshTokens.id });
  return { id: row!.id, token };
}

/**
 * Replaces a session's refresh token outside a refresh (a password change): a new one is added and
 * every live one before it is marked rotated into it, without a sealed successor. Presented again,
 * an old one is refused (`superseded` within the reuse grace window, then reuse, which ends the
 * session): it is never exchanged for the new one, whoever holds it.
 */
export async function replaceRefreshToken(
  tx: Tx,
  sessionId: string,
  ttlSec: number,
): Promise<{ id: string; token: string }> {
  const next = await addRefreshToken(tx, sessionId, ttlSec);
  await tx
    .update(refreshTokens)
    .set({ rotatedAt: new Date(), replacedBy: next.id })
    .where(
      and(
        eq(refreshTokens.sessionId, sessionId),
        isNull(refreshTokens.rotatedAt),
        ne(refreshTokens.id, next.id),
      ),
    );
  return next;
}

/** The live sessions of a user, most recently used first. */
export async function listSessions(db: AuthDb, userId: string) {
  return db
    .select({
      id: sessions.id,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .orderBy(desc(sessions.lastSeenAt));
}
