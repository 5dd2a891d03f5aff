import { describe, expect, it } from 'vitest';
import { accessTokenCookieName, SECURE_ACCESS_TOKEN_COOKIE, secureCookiesByDefault } from './cookie-names.ts';
import { credentialFromHeaders, presentedCredential } from './credentials.ts';

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
    [
      'a header beside a repeated cookie',
      { authorization: `Bearer ${token}`, cookie: `access_token=${token}; access_token=x` },
    ],
    [
      'more repeated cookies than MAX_COOKIE_CANDIDATES',
      { cookie: Array(4).fill(`access_token=${token}`).join('; ') },
    ],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('refuses %s with TOKEN_INVALID', (_, headers) => {
    expect(() => credentialFromHeaders(headers)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });
});

describe('a repeated access-token cookie', () => {
  it('is returned with every value as candidates, in the order sent, the first as the token', () => {
    expect(presentedCredential({ cookie: `access_token=planted; theme=x; access_token=${token}` })).toEqual({
      token: 'planted',
      source: 'cookie',
      candidates: ['planted', token],
    });
  });

  it('is read under the name given: the __Host- one where cookies are Secure', () => {
    const headers = { cookie: `access_token=planted; __Host-access_token=${token}` };
    expect(presentedCredential(headers, { cookieName: SECURE_ACCESS_TOKEN_COOKIE })).toEqual({
      token,
      source: 'cookie',
    });
  });
});

describe('secureCookiesByDefault and accessTokenCookieName', () => {
  it.each([
    ['http://127.0.0.1:4000', false],
    ['http://localhost:4000', false],
    ['http://[::1]:4000', false],
    ['https://auth.example.com', true],
    ['http://auth.internal:4000', true],
  ])('%s → Secure %s', (url, secure) => {
    expect(secureCookiesByDefault(url)).toBe(secure);
    expect(accessTokenCookieName(secure)).toBe(secure ? '__Host-access_token' : 'access_token');
  });
});
