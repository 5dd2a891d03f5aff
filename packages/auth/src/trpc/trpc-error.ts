import { TRPCError } from '@trpc/server';
import type { AuthError } from '../errors.ts';

/**
 * The one translation of {@link AuthError}s into tRPC errors (docs/architecture.md, "The contract").
 *
 * @example
 * ```ts
 * import { isAuthError } from '@revoke/auth';
 * import { toTRPCError } from '@revoke/auth/trpc';
 *
 * const claims = await guard.authenticate(token).catch((error) => {
 *   // UNAUTHORIZED, or SERVICE_UNAVAILABLE for REVOCATION_UNAVAILABLE; the AuthError is the cause
 *   throw isAuthError(error) ? toTRPCError(error) : error;
 * });
 * ```
 */
export function toTRPCError(error: AuthError): TRPCError {
  return new TRPCError({
    code: error.code === 'REVOCATION_UNAVAILABLE' ? 'SERVICE_UNAVAILABLE' : 'UNAUTHORIZED',
    message: error.message,
    cause: error,
  });
}
