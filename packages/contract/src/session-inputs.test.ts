import { describe, expect, it } from 'vitest';
import { MAX_REFRESH_TOKEN_LENGTH } from './limits.ts';
import { refreshInput, revokeSessionInput, sessionIdSchema } from './session-inputs.ts';

const SESSION_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('sessionIdSchema', () => {
  it('makes a UUID in any case canonical (lower case)', () => {
    expect(sessionIdSchema.parse(SESSION_ID.toUpperCase())).toBe(SESSION_ID);
  });

  it.each([
    ['not a uuid', 'abc'],
    ['SQL', "' OR 1=1 --"],
    ['a number', 7],
    ['padded', ` ${SESSION_ID}`],
  ])('refuses %s', (_, input) => {
    expect(sessionIdSchema.safeParse(input).success).toBe(false);
  });
});

describe('revokeSessionInput', () => {
  it('accepts a session id and nothing else', () => {
    expect(revokeSessionInput.parse({ sessionId: SESSION_ID })).toEqual({ sessionId: SESSION_ID });
    expect(revokeSessionInput.safeParse({ sessionId: SESSION_ID, userId: 'x' }).success).toBe(false);
  });
});

describe('refreshInput', () => {
  it.each([
    ['no input (the cookie carries the token)', undefined],
    ['an empty object', {}],
    ['the longest token', { refreshToken: 'x'.repeat(MAX_REFRESH_TOKEN_LENGTH) }],
  ])('accepts %s', (_, input) => {
    expect(refreshInput.safeParse(input).success).toBe(true);
  });

  it.each([
    ['a token one past the limit', { refreshToken: 'x'.repeat(MAX_REFRESH_TOKEN_LENGTH + 1) }],
    ['a numeric token', { refreshToken: 42 }],
    ['an extra key', { refreshToken: 'x', userId: 'someone-else' }],
  ])('refuses %s', (_, input) => {
    expect(refreshInput.safeParse(input).success).toBe(false);
  });
});
