/**
 * Every reason a request can be refused, as a stable string code. Clients read it from
 * `error.data.reason`; it is part of the public contract, so never rename one.
 *
 * @example
 * ```ts
 * import { AUTH_ERROR_CODES } from '@revoke/auth';
 *
 * const known = (code: string) => (AUTH_ERROR_CODES as readonly string[]).includes(code);
 * ```
 */
export const AUTH_ERROR_CODES = [
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'REVOCATION_UNAVAILABLE',
] as const;

/**
 * One of {@link AUTH_ERROR_CODES}.
 *
 * @example
 * ```ts
 * function explain(code: AuthErrorCode): string {
 *   return code === 'TOKEN_REVOKED' ? 'You were signed out' : AUTH_ERROR_MESSAGES[code];
 * }
 * ```
 */
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/**
 * The message sent with each code unless the server has a more precise one; safe to show to a user.
 *
 * @example
 * ```ts
 * import { AUTH_ERROR_MESSAGES } from '@revoke/auth';
 *
 * AUTH_ERROR_MESSAGES.TOKEN_REVOKED; // 'Token revoked (logged out)'
 * ```
 */
export const AUTH_ERROR_MESSAGES: Readonly<Record<AuthErrorCode, string>> = {
  TOKEN_MISSING: 'No access token was presented',
  TOKEN_INVALID: 'The access token is invalid',
  TOKEN_EXPIRED: 'The access token has expired',
  TOKEN_REVOKED: 'Token revoked (logged out)',
  REVOCATION_UNAVAILABLE: 'Revocation state is unavailable; try again shortly',
};

/** True when `value` is one of {@link AUTH_ERROR_CODES} (for a code read off the wire). */
export function isAuthErrorCode(value: unknown): value is AuthErrorCode {
  return (AUTH_ERROR_CODES as readonly unknown[]).includes(value);
}
