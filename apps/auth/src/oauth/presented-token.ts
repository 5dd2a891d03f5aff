import type { AccessClaims } from '@revoke/auth';
import { eq } from '@revoke/db';
import { refreshTokens, sessions } from '@revoke/db/auth';
import type { AuthDeps } from '../deps.ts';
import { hashRefreshToken, looksLikeRefreshToken } from '../sessions/refresh-token.ts';

/** A refresh token of ours, as stored. */
export interface StoredRefreshToken {
  kind: 'refresh_token';
  sessionId: string;
  userId: string;
  clientId: string;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  sessionRevokedAt: Date | null;
}

/** An access token of ours whose signature and claims verified (revoked or not). */
export interface VerifiedAccessToken {
  kind: 'access_token';
  claims: AccessClaims;
}

/**
 * What a token sent to `/oauth/revoke` or `/oauth/introspect` is: looked up as the `token_type_hint`
 * says first, then as the other type (RFC 7009 §2.1, RFC 7662 §2.1: the hint only orders the
 * search). Undefined for a token that is neither (unknown, forged, malformed).
 */
export async function findPresentedToken(
  deps: Pick<AuthDeps, 'db' | 'verifier'>,
  token: string,
  hint: 'access_token' | 'refresh_token' | undefined,
): Promise<StoredRefreshToken | VerifiedAccessToken | undefined> {
  const asRefresh = () => findRefreshToken(deps, token);
  const asAccess = async (): Promise<VerifiedAccessToken | undefined> => {
    const claims = await deps.verifier.verify(token).catch(() => undefined);
    return claims && { kind: 'access_token', claims };
  };
  const [first, second] = hint === 'refresh_token' ? [asRefresh, asAccess] : [asAccess, asRefresh];
  return (await first()) ?? (await second());
}

async function findRefreshToken(
  deps: Pick<AuthDeps, 'db'>,
  token: string,
): Promise<StoredRefreshToken | undefined> {
  if (!looksLikeRefreshToken(token)) return undefined;
  const [row] = await deps.db
    .select({
      sessionId: refreshTokens.sessionId,
      userId: sessions.userId,
      clientId: sessions.clientId,
      createdAt: refreshTokens.createdAt,
      expiresAt: refreshTokens.expiresAt,
      rotatedAt: refreshTokens.rotatedAt,
      sessionRevokedAt: sessions.revokedAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)));
  return row && { kind: 'refresh_token', ...row };
}
