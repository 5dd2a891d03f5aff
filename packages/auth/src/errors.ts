import { AUTH_ERROR_MESSAGES, type AuthErrorCode } from '@revoke/contract';

// The codes and their messages are shared with the web client, so they live in the contract.
export { AUTH_ERROR_CODES, AUTH_ERROR_MESSAGES, type AuthErrorCode } from '@revoke/contract';

/**
 * The only error this package throws for anything a client sent. `cause` keeps the underlying
 * library error for logs; the message is safe to show to the client.
 *
 * @example
 * ```ts
 * import { AuthError } from '@revoke/auth';
 *
 * try {
 *   const claims = await auth.authenticate(token);
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'TOKEN_REVOKED') console.log('logged out');
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, options?: { message?: string; cause?: unknown }) {
    super(options?.message ?? AUTH_ERROR_MESSAGES[code], { cause: options?.cause });
    this.code = code;
  }
}

/**
 * True when `error` is an {@link AuthError} (also across duplicated module instances).
 *
 * @example
 * ```ts
 * import { isAuthError } from '@revoke/auth';
 *
 * const claims = await auth.authenticate(token).catch((error) => {
 *   if (isAuthError(error)) return null; // TOKEN_MISSING, TOKEN_INVALID, … : refuse
 *   throw error;
 * });
 * ```
 */
export function isAuthError(error: unknown): error is AuthError {
  return (
    error instanceof AuthError || (error instanceof Error && error.name === 'AuthError' && 'code' in error)
  );
}

/** `error` as an {@link AuthError}: itself, or TOKEN_INVALID caused by it (what reading a credential failed with). */
export function asAuthError(error: unknown): AuthError {
  return isAuthError(error) ? error : new AuthError('TOKEN_INVALID', { cause: error });
}
