import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_UNAVAILABLE_MESSAGE, fromActivityError } from './activity-errors.ts';

/** A client error as `@trpc/client` builds it from an error response of activity. */
function refusal(httpStatus: number, code: string, message: string, reason?: string) {
  return TRPCClientError.from({
    error: {
      code: -32000,
      message,
      data: { code, httpStatus, path: 'activity.record', ...(reason ? { reason } : {}) },
    },
  });
}

describe('fromActivityError', () => {
  it.each([
    ['TOKEN_REVOKED', 401, 'UNAUTHORIZED', 'Token revoked (logged out)'],
    ['TOKEN_EXPIRED', 401, 'UNAUTHORIZED', 'The access token has expired'],
    ['TOKEN_INVALID', 401, 'UNAUTHORIZED', 'The access token is invalid'],
    [
      'REVOCATION_UNAVAILABLE',
      503,
      'SERVICE_UNAVAILABLE',
      'Revocation state is unavailable; try again shortly',
    ],
  ])('answers activity’s %s with the same code, reason and message', (reason, status, code, message) => {
    const error = fromActivityError(refusal(status, code, 'activity’s own wording', reason));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    // The errorFormatter reads the reason from an AuthError cause.
    expect(error.cause).toMatchObject({ name: 'AuthError', code: reason });
  });

  it('ignores a reason that is not an auth code', () => {
    const error = fromActivityError(refusal(401, 'UNAUTHORIZED', 'x', 'SOMETHING_ELSE'));
    expect(error.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it.each([
    ['a refused connection', TRPCClientError.from(new TypeError('fetch failed'))],
    [
      'a timeout',
      TRPCClientError.from(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ],
    ['a 500', refusal(500, 'INTERNAL_SERVER_ERROR', 'Internal server error')],
    ['a 503 without a reason', refusal(503, 'SERVICE_UNAVAILABLE', 'busy')],
  ])('answers %s with 503 SERVICE_UNAVAILABLE and no auth reason', (_, cause) => {
    const error = fromActivityError(cause);
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe(ACTIVITY_UNAVAILABLE_MESSAGE);
    expect(error.cause).toBe(cause);
  });

  it('treats a 4xx without a reason as a contract bug: 500', () => {
    expect(fromActivityError(refusal(400, 'BAD_REQUEST', 'Invalid input')).code).toBe(
      'INTERNAL_SERVER_ERROR',
    );
  });

  it('treats anything that is not a client error as a bug: 500', () => {
    expect(fromActivityError(new Error('boom')).code).toBe('INTERNAL_SERVER_ERROR');
  });
});
