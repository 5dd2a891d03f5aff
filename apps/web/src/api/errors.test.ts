import { describe, expect, it } from 'vitest';
import { authReason, describeError, isUnconfirmedSignOut } from './errors.ts';

/** The shape a TRPCClientError has: a message and the server's `error.data`. */
function trpcError(message: string, data: Record<string, unknown>) {
  return Object.assign(new Error(message), { data });
}

describe('authReason', () => {
  it('reads the reason of a 401', () => {
    expect(
      authReason(trpcError('Token revoked (logged out)', { code: 'UNAUTHORIZED', reason: 'TOKEN_REVOKED' })),
    ).toBe('TOKEN_REVOKED');
    expect(authReason(trpcError('x', { code: 'UNAUTHORIZED', reason: 'TOKEN_EXPIRED' }))).toBe(
      'TOKEN_EXPIRED',
    );
    expect(authReason(trpcError('Invalid e-mail or password', { code: 'UNAUTHORIZED' }))).toBe(
      'TOKEN_INVALID',
    );
  });

  it('is undefined for anything but a 401, including network failures', () => {
    expect(
      authReason(trpcError('x', { code: 'SERVICE_UNAVAILABLE', reason: 'REVOCATION_UNAVAILABLE' })),
    ).toBe(undefined);
    expect(authReason(new TypeError('Failed to fetch'))).toBe(undefined);
    expect(authReason(undefined)).toBe(undefined);
  });
});

describe('describeError', () => {
  it('says the server is unreachable when there is no tRPC answer', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/Cannot reach the server/);
  });

  it('turns validation issues into sentences', () => {
    const issues = JSON.stringify([{ message: 'Invalid e-mail address' }, { message: 'Too small' }]);
    expect(describeError(trpcError(issues, { code: 'BAD_REQUEST' }))).toBe(
      'Invalid e-mail address. Too small',
    );
  });

  it("keeps the server's message, but never an internal one", () => {
    expect(describeError(trpcError('An account with this e-mail already exists', { code: 'CONFLICT' }))).toBe(
      'An account with this e-mail already exists',
    );
    expect(describeError(trpcError('Internal server error', { code: 'INTERNAL_SERVER_ERROR' }))).toMatch(
      /Something went wrong/,
    );
  });
});

describe('isUnconfirmedSignOut', () => {
  it('is true only for a 503 REVOCATION_UNAVAILABLE', () => {
    expect(
      isUnconfirmedSignOut(trpcError('x', { code: 'SERVICE_UNAVAILABLE', reason: 'REVOCATION_UNAVAILABLE' })),
    ).toBe(true);
    expect(isUnconfirmedSignOut(trpcError('x', { code: 'SERVICE_UNAVAILABLE' }))).toBe(false);
    expect(isUnconfirmedSignOut(trpcError('x', { code: 'UNAUTHORIZED', reason: 'TOKEN_REVOKED' }))).toBe(
      false,
    );
    expect(isUnconfirmedSignOut(new TypeError('Failed to fetch'))).toBe(false);
  });
});
