import { AUTH_ERROR_CODES, AuthError, type AuthErrorCode } from '@revoke/auth';
import { toTRPCError } from '@revoke/auth/trpc';
import { isTRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';

/** What the caller reads when activity cannot be reached or fails: nothing was saved. */
export const ACTIVITY_UNAVAILABLE_MESSAGE =
  'Activity service is unavailable; nothing was saved, try again shortly';

function authReasonOf(data: unknown): AuthErrorCode | undefined {
  const reason = (data as { reason?: unknown } | null | undefined)?.reason;
  return AUTH_ERROR_CODES.find((code) => code === reason);
}

/**
 * Translates a failed call to activity into the error notes answers with:
 * - activity refused the forwarded token (`error.data.reason` is an auth code) → the same code and
 *   reason, so a token revoked at either hop reads the same to the caller (401 `TOKEN_REVOKED`, or 503
 *   `REVOCATION_UNAVAILABLE`);
 * - no answer (refused connection, timeout, a body that is not tRPC JSON) or a 5xx → 503;
 * - any other refusal (a 4xx without a reason) means the two services disagree on the contract: a bug
 *   on our side, so a 500 whose details stay in the logs.
 */
export function fromActivityError(error: unknown): TRPCError {
  if (!isTRPCClientError(error)) {
    return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'activity call failed', cause: error });
  }
  const reason = authReasonOf(error.data);
  if (reason) return toTRPCError(new AuthError(reason, { cause: error }));
  const status = (error.data as { httpStatus?: unknown } | null | undefined)?.httpStatus;
  if (typeof status !== 'number' || status >= 500) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: ACTIVITY_UNAVAILABLE_MESSAGE,
      cause: error,
    });
  }
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: `activity refused the call with HTTP ${status}: ${error.message}`,
    cause: error,
  });
}
