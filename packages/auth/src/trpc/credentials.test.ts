import { describe, expect, it } from 'vitest';
import { credentialFromHeaders } from './credentials.ts';

const token = 'aaa.bbb.ccc';

describe('credentialFromHeaders', () => {
  it.each([
    ['a Bearer header', { authorization: `Bearer ${token}` }],
    ['a lower-case bearer scheme', { authorization: `bearer ${token}` }],
    ["the tutorial's bare header", { authorization: token }],
    ['the access-token cookie', { cookie: `theme=dark; access_token=${token}` }],
    [
      'header and cookie carrying the same token',
      { authorization: `Bearer ${token}`, cookie: `access_token=${token}` },
    ],
    ['fetch Headers', new Headers({ authorization: `Bearer ${token}` })],
  ])('reads %s', (_, headers) => {
    expect(credentialFromHeaders(headers)).toBe(token);
  });

  it('returns null when nothing is presented', () => {
    expect(credentialFromHeaders({})).toBeNull();
    expect(credentialFromHeaders({ authorization: '  ', cookie: 'theme=dark' })).toBeNull();
  });

  it.each([
    ['two different tokens', { authorization: `Bearer ${token}`, cookie: 'access_token=other.token.here' }],
    ['a repeated cookie', { cookie: `access_token=${token}; access_token=${token}` }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('refuses %s with TOKEN_INVALID', (_, headers) => {
    expect(() => credentialFromHeaders(headers)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
});
