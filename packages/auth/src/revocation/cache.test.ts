import { describe, expect, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { RevocationCache } from './cache.ts';

const T = 2_000_000_000;
const claims = (overrides: Partial<AccessClaims> = {}): AccessClaims => ({
  iss: 'i',
  aud: 'a',
  sub: 'user',
  sid: 'session',
  jti: 'token',
  iat: T - 10,
  exp: T + 890,
  ...overrides,
});

describe('RevocationCache', () => {
  it('rejects by jti, by sid, and by a user not-before later than iat', () => {
    const cache = new RevocationCache(T);
    expect(cache.isRevoked(claims())).toBe(false);
    cache.add({ kind: 'jti', id: 'token', exp: T + 900 });
    expect(cache.isRevoked(claims())).toBe(true);
    expect(cache.isRevoked(claims({ jti: 'other' }))).toBe(false);
    cache.add({ kind: 'sid', id: 'session', exp: T + 900 });
    expect(cache.isRevoked(claims({ jti: 'other' }))).toBe(true);
    cache.add({ kind: 'sub', id: 'user', notBefore: T, exp: T + 900 });
    expect(cache.isRevoked(claims({ jti: 'x', sid: 'y', iat: T - 1 }))).toBe(true);
    // Issued at or after the not-before: a login that came after "log out everywhere".
    expect(cache.isRevoked(claims({ jti: 'x', sid: 'y', iat: T }))).toBe(false);
    expect(cache.sizes()).toEqual({ jti: 1, sid: 1, sub: 1, kid: 0 });
  });

  it('merges monotonically: replays and out-of-order entries change nothing', () => {
    const cache = new RevocationCache(T);
    expect(cache.add({ kind: 'sub', id: 'user', notBefore: T + 5, exp: T + 100 })).toBe(true);
    expect(cache.add({ kind: 'sub', id: 'user', notBefore: T + 5, exp: T + 100 })).toBe(false);
    expect(cache.add({ kind: 'sub', id: 'user', notBefore: T + 1, exp: T + 50 })).toBe(false);
    expect(cache.isRevoked(claims({ jti: 'x', sid: 'y', iat: T + 4 }))).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('drops each entry at its expiry, and an extended entry only at its new expiry', () => {
    const cache = new RevocationCache(T);
    cache.add({ kind: 'jti', id: 'a', exp: T + 1 });
    cache.add({ kind: 'jti', id: 'b', exp: T + 3 });
    cache.add({ kind: 'sid', id: 's', exp: T + 1 });
    cache.add({ kind: 'sid', id: 's', exp: T + 5 });
    expect(cache.sweep(T)).toBe(0);
    expect(cache.sweep(T + 1)).toBe(1);
    expect(cache.isRevoked(claims({ jti: 'a', sid: 'none' }))).toBe(false);
    expect(cache.isRevoked(claims({ jti: 'b', sid: 'none' }))).toBe(true);
    expect(cache.sweep(T + 4)).toBe(1);
    expect(cache.isRevoked(claims({ jti: 'none', sid: 's' }))).toBe(true);
    expect(cache.sweep(T + 5)).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('adds straight from snapshot-index members, exactly as from entries', () => {
    const jti = 'AAECAwQFBgcICQoLDA0ODw';
    const sid = '00112233-4455-6677-8899-aabbccddeeff';
    const cache = new RevocationCache(T);
    expect(cache.addIndexMember(`jti:${jti}`, T + 10)).toBe(true);
    expect(cache.addIndexMember(`sid:${sid}`, T + 10)).toBe(true);
    expect(cache.addIndexMember('jti:odd-id-kept-as-string', T + 10)).toBe(true);
    expect(cache.addIndexMember(`sub:${T}:user`, T + 10)).toBe(true);
    expect(cache.addIndexMember('nope:x', T + 10)).toBe(false);
    expect(cache.addIndexMember('jti:', T + 10)).toBe(false);
    expect(cache.isRevoked(claims({ jti }))).toBe(true);
    expect(cache.isRevoked(claims({ jti: 'odd-id-kept-as-string' }))).toBe(true);
    expect(cache.isRevoked(claims({ jti: 'x', sid }))).toBe(true);
    expect(cache.isRevoked(claims({ jti: 'x', sid: 'y', iat: T - 1 }))).toBe(true);
    expect(cache.sizes()).toEqual({ jti: 2, sid: 1, sub: 1, kid: 0 });
  });

  it('a session revoked under an upper-case UUID refuses the lower-case one a token carries, and back', () => {
    const sid = '00112233-4455-6677-8899-aabbccddeeff';
    const cache = new RevocationCache(T);
    cache.add({ kind: 'sid', id: sid.toUpperCase(), exp: T + 10 });
    expect(cache.isRevoked(claims({ sid }))).toBe(true);
    expect(cache.isRevoked(claims({ sid: sid.toUpperCase() }))).toBe(true);
  });

  it('refuses every token signed by a withdrawn key, and forgets the key at its expiry', () => {
    const cache = new RevocationCache(T);
    expect(cache.add({ kind: 'kid', id: 'key-1', exp: T + 10 })).toBe(true);
    expect(cache.add({ kind: 'kid', id: 'key-1', exp: T + 5 })).toBe(false);
    expect(cache.isRevoked(claims({ kid: 'key-1' }))).toBe(true);
    expect(cache.isRevoked(claims({ kid: 'key-2' }))).toBe(false);
    expect(cache.isRevoked(claims())).toBe(false);
    expect(cache.addIndexMember('kid:key-3', T + 10)).toBe(true);
    expect(cache.isRevoked(claims({ kid: 'key-3' }))).toBe(true);
    expect(cache.sizes()).toMatchObject({ kid: 2 });
    expect(cache.sweep(T + 10)).toBe(2);
    expect(cache.isRevoked(claims({ kid: 'key-1' }))).toBe(false);
  });

  it('ignores entries that expired before they arrived', () => {
    const cache = new RevocationCache(T);
    expect(cache.add({ kind: 'jti', id: 'old', exp: T - 1 })).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('drops a user not-before together with its expiry', () => {
    const cache = new RevocationCache(T);
    cache.add({ kind: 'sub', id: 'user', notBefore: T, exp: T + 2 });
    cache.sweep(T + 2);
    expect(cache.isRevoked(claims({ iat: T - 5 }))).toBe(false);
    expect(cache.size).toBe(0);
  });
});
