import { setTokenCookies } from '../http/cookies.ts';
import type { AppContext } from '../trpc.ts';

/** What login and refresh answer to a header-mode client (curl, Postman, a server): the pair itself. */
export interface TokenPair {
  accessToken: string;
  /** ISO time the access token expires. */
  expiresAt: string;
  refreshToken: string;
  user: { id: string; email: string };
}

/**
 * What they answer in cookie mode (a browser): no token in the body, where a script on the page could
 * read it. The tokens travel only in the HttpOnly cookies set beside it.
 */
export type CookieSession = Omit<TokenPair, 'accessToken' | 'refreshToken'>;

/**
 * How a request wants its tokens: `cookie` for a browser page, which must never see them (its
 * request carries `Origin`: browsers add it to every POST and scripts cannot remove it, so an injected
 * script gets the cookie answer too), `header` for everything else, which reads them from the body.
 */
export type TokenDelivery = 'cookie' | 'header';

/**
 * The first-party clients (RFC 9068 `client_id` of their users' tokens): the web client, and any
 * client that reads the tokens from the body (curl, Postman, a CLI, `pnpm demo`).
 */
export const FIRST_PARTY_CLIENTS = { cookie: 'revoke-web', header: 'revoke-cli' } as const;

/** The delivery a request asks for by where it comes from (see {@link TokenDelivery}). */
export function deliveryOf(ctx: AppContext): TokenDelivery {
  return ctx.req.headers.origin === undefined ? 'header' : 'cookie';
}

/**
 * Mints an access token for a session and sets both cookies; returns the pair in header mode, and
 * only its expiry and user in cookie mode. `iat` is no earlier than the user's not-before, so a login
 * right after "log out everywhere" is not born revoked.
 */
export async function issueTokens(
  ctx: AppContext,
  input: {
    user: { id: string; email: string; notBefore: Date | null };
    sessionId: string;
    refreshToken: string;
    delivery: TokenDelivery;
    /** The session's first-party client (`clientIdOf(delivery)` at login). */
    clientId: string;
  },
): Promise<TokenPair | CookieSession> {
  const { env, tokens } = ctx.deps;
  const notBefore = input.user.notBefore ? Math.ceil(input.user.notBefore.getTime() / 1000) : undefined;
  const access = await tokens.issue({
    sub: input.user.id,
    sid: input.sessionId,
    notBefore,
    clientId: input.clientId,
  });
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
  const session = {
    expiresAt: new Date(access.exp * 1000).toISOString(),
    user: { id: input.user.id, email: input.user.email },
  };
  if (input.delivery === 'cookie') return session;
  return { accessToken: access.token, refreshToken: input.refreshToken, ...session };
}
