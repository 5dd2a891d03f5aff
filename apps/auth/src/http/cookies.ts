import { ACCESS_TOKEN_COOKIE } from '@revoke/auth/trpc';
import type { ReplyControl } from '../trpc.ts';

/** Cookie holding the refresh token in browsers. */
export const REFRESH_TOKEN_COOKIE = 'refresh_token';

/**
 * Sets both token cookies: HttpOnly so page scripts never read a token, SameSite=Lax for the access
 * token (it rides along to the other services on this site) and Strict for the refresh token, Secure
 * except on plain-http localhost.
 */
export function setTokenCookies(
  reply: ReplyControl,
  tokens: { accessToken: string; accessTtlSec: number; refreshToken: string; refreshTtlSec: number },
  secure: boolean,
): void {
  reply.setCookie(ACCESS_TOKEN_COOKIE, tokens.accessToken, {
    httpOnly: true,
    secure,
    sameSite: 'lax',
    path: '/',
    maxAge: tokens.accessTtlSec,
  });
  reply.setCookie(REFRESH_TOKEN_COOKIE, tokens.refreshToken, {
    httpOnly: true,
    secure,
    sameSite: 'strict',
    path: '/',
    maxAge: tokens.refreshTtlSec,
  });
}

/** Removes both token cookies (logout). */
export function clearTokenCookies(reply: ReplyControl, secure: boolean): void {
  for (const name of [ACCESS_TOKEN_COOKIE, REFRESH_TOKEN_COOKIE]) {
    reply.clearCookie(name, { httpOnly: true, secure, path: '/' });
  }
}
