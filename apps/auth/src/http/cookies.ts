import { accessTokenCookieName } from '@revoke/auth/trpc';
import type { ReplyControl } from '../trpc.ts';

/** Where the refresh cookie is sent: the refresh procedure only, never to other routes or services. */
export const REFRESH_COOKIE_PATH = '/trpc/auth.refresh';

/**
 * The refresh cookie's name. With Secure cookies it carries the `__Secure-` prefix (a browser refuses
 * it unless Secure); `__Host-` would also forbid planting from a subdomain, but demands `Path=/`, and
 * this cookie is scoped to the refresh path. A planted duplicate is handled where it is read
 * (`sessions/refresh-cookie.ts`).
 */
export function refreshTokenCookieName(secure: boolean): string {
  return secure ? '__Secure-refresh_token' : 'refresh_token';
}

/**
 * Sets both token cookies: HttpOnly so page scripts never read a token; the access token for the whole
 * host (`__Host-` prefixed where Secure), SameSite=Lax, since it rides along to the other services on
 * this site; the refresh token SameSite=Strict and only for the refresh path.
 */
export function setTokenCookies(
  reply: ReplyControl,
  tokens: { accessToken: string; accessTtlSec: number; refreshToken: string; refreshTtlSec: number },
  secure: boolean,
): void {
  reply.setCookie(accessTokenCookieName(secure), tokens.accessToken, {
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: '/',
    maxAge: tokens.accessTtlSec,
  });
  reply.setCookie(refreshTokenCookieName(secure), tokens.refreshToken, {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: tokens.refreshTtlSec,
  });
  clearLegacyRefreshCookie(reply, secure);
}

/** Removes both token cookies (logout). */
export function clearTokenCookies(reply: ReplyControl, secure: boolean): void {
  reply.clearCookie(accessTokenCookieName(secure), { httpOnly: true, secure, path: '/' });
  reply.clearCookie(refreshTokenCookieName(secure), { httpOnly: true, secure, path: REFRESH_COOKIE_PATH });
  clearLegacyRefreshCookie(reply, secure);
}

/**
 * Browsers signed in before the refresh cookie was path-scoped still hold one for `/`; sent along
 * with the new one, it would only be a stale duplicate. (With Secure cookies the name changed too, and
 * the old cookie is never read.)
 */
function clearLegacyRefreshCookie(reply: ReplyControl, secure: boolean): void {
  if (!secure) reply.clearCookie(refreshTokenCookieName(false), { httpOnly: true, secure, path: '/' });
}
