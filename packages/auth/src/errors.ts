/**
 * Every reason a request can be refused, as a stable string code. Clients read it from
 * `error.data.reason`; it is part of the public contract (DESIGN §5), so never rename one.
 */
export const AUTH_ERROR_CODES = [
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'REVOCATION_UNAVAILABLE',
] as const;

/** One of {@link AUTH_ERROR_CODES}. */
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

const DEFAULT_MESSAGES: Record<AuthErrorCode, string> = {
  TOKEN_MISSING: 'No access token was presented',
  TOKEN_INVALID: 'The access token is invalid',
  TOKEN_EXPIRED: 'The access token has expired',
  TOKEN_REVOKED: 'Token revoked (logged out)',
  REVOCATION_UNAVAILABLE: 'Revocation state is unavailable; try again shortly',
};

/**
 * The only error this package throws for anything a client sent. `cause` keeps the underlying
 * library error for logs; the message is safe to show to the client.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, options?: { message?: string; cause?: unknown }) {
    super(options?.message ?? DEFAULT_MESSAGES[code], { cause: options?.cause });
    this.code = code;
  }
}

/** True when `error` is an {@link AuthError} (also across duplicated module instances). */
export function isAuthError(error: unknown): error is AuthError {
  return (
    error instanceof AuthError || (error instanceof Error && error.name === 'AuthError' && 'code' in error)
  );
}
