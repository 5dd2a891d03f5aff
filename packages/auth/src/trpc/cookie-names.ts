// The access-token cookie's names: which one a deployment uses is decided once, from AUTH_URL.

/**
 * Name of the HttpOnly cookie that carries the access token in browsers, over plain HTTP (development).
 *
 * @example
 * ```ts
 * import { ACCESS_TOKEN_COOKIE, credentialFromHeaders } from '@revoke/auth/trpc';
 *
 * credentialFromHeaders({ cookie: `theme=dark; ${ACCESS_TOKEN_COOKIE}=${token}` }); // token
 * ```
 */
export const ACCESS_TOKEN_COOKIE = 'access_token';

/**
 * Its name where cookies are `Secure` (HTTPS): the `__Host-` prefix makes the browser refuse the
 * cookie unless it is Secure, host-only and for path `/`, so no sibling subdomain can plant one of
 * that name (a planted duplicate would otherwise have to be told apart from the real one).
 *
 * @example
 * ```ts
 * import { presentedCredential, SECURE_ACCESS_TOKEN_COOKIE } from '@revoke/auth/trpc';
 *
 * const headers = { cookie: `access_token=planted; ${SECURE_ACCESS_TOKEN_COOKIE}=${token}` };
 * presentedCredential(headers, { cookieName: SECURE_ACCESS_TOKEN_COOKIE }); // { token, source: 'cookie' }
 * ```
 */
export const SECURE_ACCESS_TOKEN_COOKIE = '__Host-access_token';

/**
 * The access-token cookie's name for a deployment whose cookies are (or are not) `Secure`.
 *
 * @example
 * ```ts
 * import { accessTokenCookieName, secureCookiesByDefault } from '@revoke/auth/trpc';
 *
 * accessTokenCookieName(true); // '__Host-access_token'
 * accessTokenCookieName(false); // 'access_token'
 * const cookieName = accessTokenCookieName(secureCookiesByDefault(process.env.AUTH_URL!));
 * ```
 */
export function accessTokenCookieName(secure: boolean): string {
  return secure ? SECURE_ACCESS_TOKEN_COOKIE : ACCESS_TOKEN_COOKIE;
}

/**
 * Whether cookies should be `Secure` for a deployment reached at `url`: yes, except over plain HTTP
 * on a loopback host (development), where a browser would drop them. Every app derives the same
 * default from `AUTH_URL`, so the auth app and the services agree on the cookie's name.
 *
 * @example
 * ```ts
 * import { secureCookiesByDefault } from '@revoke/auth/trpc';
 *
 * secureCookiesByDefault('https://auth.example.com'); // true
 * secureCookiesByDefault('http://localhost:4000'); // false: plain HTTP on a loopback host
 * secureCookiesByDefault('http://auth.internal:4000'); // true: only loopback is exempt
 * ```
 */
export function secureCookiesByDefault(url: string): boolean {
  return !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(url);
}
