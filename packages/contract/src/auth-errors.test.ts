import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CODES, AUTH_ERROR_MESSAGES, isAuthErrorCode } from './auth-errors.ts';

describe('auth error codes', () => {
  it.each(AUTH_ERROR_CODES)('%s has a message a user can read', (code) => {
    expect(AUTH_ERROR_MESSAGES[code].trim()).not.toBe('');
  });

  it('has a message for no code it does not define', () => {
    expect(Object.keys(AUTH_ERROR_MESSAGES).sort()).toEqual([...AUTH_ERROR_CODES].sort());
  });

  it('recognises its codes on the wire, and nothing else', () => {
    for (const code of AUTH_ERROR_CODES) expect(isAuthErrorCode(code)).toBe(true);
    for (const other of ['token_revoked', 'UNAUTHORIZED', '', null, 42])
      expect(isAuthErrorCode(other)).toBe(false);
  });
});
