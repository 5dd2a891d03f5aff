import { AuthError } from '@revoke/auth';
import { cookieValuesOf, toTRPCError } from '@revoke/auth/trpc';
import { refreshInput } from '@revoke/contract';
import { refreshTokenCookieName } from '../http/cookies.ts';
import { assertCsrfForCookie } from '../http/csrf.ts';
import { enforceBudget } from '../http/enforce-budget.ts';
import { chooseRefreshToken } from '../sessions/refresh-cookie.ts';
import { looksLikeRefreshToken } from '../sessions/refresh-token.ts';
import { rotateRefreshToken } from '../sessions/rotate-refresh-token.ts';
import { publicProcedure } from '../trpc.ts';
import { deliveryOf, issueTokens } from './issue-tokens.ts';

/** The refresh token's own wording: the shared messages speak of the access token. */
const REFRESH_MESSAGES = {
  TOKEN_INVALID: 'The refresh token is invalid',
  TOKEN_EXPIRED: 'The refresh token has expired',
  // The contract's wording for every revoked token (docs/architecture.md, "The contract").
  TOKEN_REVOKED: 'Token revoked (logged out)',
} as const;

function refusal(code: keyof typeof REFRESH_MESSAGES) {
  return toTRPCError(new AuthError(code, { message: REFRESH_MESSAGES[code] }));
}

export const refresh = publicProcedure.input(refreshInput).mutation(async ({ ctx, input }) => {
  const { db, env, revoker, users } = ctx.deps;
  // By cookie (a browser): the answer then carries no token, only the cookies do.
  const byCookie = !input?.refreshToken;
  const cookies = cookieValuesOf(ctx.req.headers, refreshTokenCookieName(env.COOKIE_SECURE));
  let token: string | undefined;
  try {
    token = input?.refreshToken ?? (await chooseRefreshToken(db, cookies, env.REFRESH_REUSE_GRACE_SEC));
  } catch (error) {
    throw toTRPCError(error as AuthError);
  }
  if (!token)
    throw toTRPCError(new AuthError('TOKEN_MISSING', { message: 'No refresh token was presented' }));
  if (byCookie) assertCsrfForCookie(ctx.headers);
  if (!looksLikeRefreshToken(token)) throw refusal('TOKEN_INVALID');
  await enforceBudget(ctx.res, ctx.deps.budgets.refresh, token);

  const result = await rotateRefreshToken(db, token, {
    refreshTtlSec: env.REFRESH_TOKEN_TTL_SEC,
    graceSec: env.REFRESH_REUSE_GRACE_SEC,
  });
  if (!result.ok) {
    if (result.reason === 'reused') {
      // A rotated token came back: it was copied. End the session and its live access tokens.
      await revoker.revokeSession({
        sessionId: result.sessionId,
        userId: result.userId,
        reason: 'refresh_token_reuse',
        actor: 'system',
      });
      ctx.deps.logger.warn({ sid: result.sessionId }, 'refresh token reuse: session revoked');
    }
    const code =
      result.reason === 'expired'
        ? 'TOKEN_EXPIRED'
        : result.reason === 'invalid'
          ? 'TOKEN_INVALID'
          : 'TOKEN_REVOKED';
    throw refusal(code);
  }
  const user = await users.findById(result.userId);
  if (!user) throw refusal('TOKEN_REVOKED');
  return issueTokens(ctx, {
    user,
    sessionId: result.sessionId,
    refreshToken: result.refreshToken,
    delivery: byCookie ? 'cookie' : deliveryOf(ctx),
    clientId: result.clientId,
  });
});
