import type { AuthErrorCode } from '@revoke/contract';

/** The auth error codes that mean "this request's credentials are not good". */
export type AuthReason = Exclude<AuthErrorCode, 'REVOCATION_UNAVAILABLE'>;

interface ErrorData {
  code?: string;
  httpStatus?: number;
  reason?: string;
}

function dataOf(error: unknown): ErrorData | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { data?: unknown }).data;
  return typeof data === 'object' && data !== null ? (data as ErrorData) : undefined;
}

/** The reason a tRPC call was refused as UNAUTHORIZED (401), or undefined for any other outcome. */
export function authReason(error: unknown): AuthReason | undefined {
  const data = dataOf(error);
  if (data?.code !== 'UNAUTHORIZED') return undefined;
  const reason = data.reason;
  return reason === 'TOKEN_MISSING' || reason === 'TOKEN_EXPIRED' || reason === 'TOKEN_REVOKED'
    ? reason
    : 'TOKEN_INVALID';
}

/** A sentence for the user about a failed call: the server's message, validation issues, or "cannot reach". */
export function describeError(error: unknown): string {
  const data = dataOf(error);
  if (!data) {
    return 'Cannot reach the server. Check your connection and try again.';
  }
  const message = error instanceof Error ? error.message : String(error);
  if (data.code === 'BAD_REQUEST' && message.trimStart().startsWith('[')) {
    // tRPC reports input validation failures as the zod issues, JSON-encoded.
    try {
      const issues = JSON.parse(message) as { message?: string }[];
      const text = issues.map((issue) => issue.message).filter(Boolean);
      if (text.length > 0) return text.join('. ');
    } catch {}
  }
  if (data.code === 'INTERNAL_SERVER_ERROR') return 'Something went wrong on our side. Try again.';
  return message || 'The request failed.';
}

/**
 * A sign-out the auth app recorded (and cleared this device's cookies for) but could not yet
 * publish to every service: a 503 REVOCATION_UNAVAILABLE from logout, logoutAll or revokeSession.
 * This device is signed out either way; the other services catch up once the store is reachable.
 */
export function isUnconfirmedSignOut(error: unknown): boolean {
  const data = dataOf(error);
  return data?.code === 'SERVICE_UNAVAILABLE' && data.reason === 'REVOCATION_UNAVAILABLE';
}
