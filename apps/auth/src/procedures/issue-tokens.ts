import { setTokenCookies } from '../http/cookies.ts';
import type { AppContext } from '../trpc.ts';

/** What login and refresh answer (DESIGN §5). */
export interface TokenPair {
  accessToken: string;
  /** ISO time the access token expires. */
  expiresAt: string;
  refreshToken: string;
  user: { id: string; email: string };
}

/**
 * Mints an access token for a session and sets both cookies. `iat` is no earlier than the user's
 * not-before, so a login right after "log out everywhere" is not born revoked.
 */
export async function issueTokens(
  ctx: AppContext,
  input: {
    user: { id: string; email: string; notBefore: Date | null };
    sessionId: string;
    refreshToken: string;
  },
): Promise<TokenPair> {
  const { env, tokens } = ctx.deps;
  const notBefore = input.user.notBefore ? Math.ceil(input.user.notBefore.getTime() / 1000) : undefined;
  const access = await tokens.issue({ sub: input.user.id, sid: input.sessionId, notBefore });
  setTokenCookies(
    ctx.res,
    {
      accessToken: access.token,
      accessTtlSec: env.ACCESS_TOKEN_TTL_SEC,
      refreshToken: input.refreshToken,
      refreshTtlSec: env.REFRESH_TOKEN_TTL_SEC,
    },
    env.COOKIE_SECURE,
  );
  return {
    accessToken: access.token,
    expiresAt: new Date(access.exp * 1000).toISOString(),
    refreshToken: input.refreshToken,
    user: { id: input.user.id, email: input.user.email },
  };
}
