import { AuthError } from '@revoke/auth';
import { MAX_COOKIE_CANDIDATES } from '@revoke/auth/trpc';
import { and, eq, gt, isNull, sql } from '@revoke/db';
import { type AuthDb, refreshTokens, sessions } from '@revoke/db/auth';
import { hashRefreshToken, looksLikeRefreshToken } from './refresh-token.ts';

/**
 * The refresh token a browser presents in its cookie, when the cookie came more than once (a value
 * planted by another site on a shared host, or a stale one for another path): the one value that is a
 * live refresh token of ours (its session not ended, not expired, not rotated past the grace window).
 * Values that are not are skipped, so they cannot lock the user out; two live ones are refused as
 * ambiguous rather than picked among, so a planted token of someone else's session is never used in
 * the user's place. None live: the first, refused by the rotation as it would be alone.
 */
export async function chooseRefreshToken(
  db: AuthDb,
  values: readonly string[],
  graceSec: number,
): Promise<string> {
  if (values.length > MAX_COOKIE_CANDIDATES)
    throw new AuthError('TOKEN_INVALID', { message: 'Ambiguous credentials: too many repeated cookies' });
  const [first] = values;
  if (values.length <= 1 || first === undefined) return first ?? '';
  const isLive = async (token: string): Promise<boolean> => {
    if (!looksLikeRefreshToken(token)) return false;
    const [row] = await db
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .where(
        and(
          eq(refreshTokens.tokenHash, hashRefreshToken(token)),
          isNull(sessions.revokedAt),
          gt(refreshTokens.expiresAt, sql`now()`),
          sql`(${refreshTokens.rotatedAt} is null or ${refreshTokens.rotatedAt} > now() - make_interval(secs => ${graceSec}))`,
        ),
      );
    return row !== undefined;
  };
  const live = await Promise.all(values.map(isLive));
  const chosen = values.filter((_, i) => live[i]);
  if (chosen.length > 1)
    throw new AuthError('TOKEN_INVALID', { message: 'Ambiguous credentials: repeated cookie' });
  return chosen[0] ?? first;
}
