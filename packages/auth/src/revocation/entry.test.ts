import { describe, expect, it } from 'vitest';
import { entryFromIndex, indexMember, type RevocationEntry, revocationEventSchema } from './entry.ts';

describe('index members', () => {
  const entries: RevocationEntry[] = [
    { kind: 'jti', id: 'AbC-_1', exp: 10 },
    { kind: 'sid', id: 'with:colons:inside', exp: 20 },
    { kind: 'sub', id: 'user:42', notBefore: 123, exp: 30 },
  ];

  it.each(entries)('round-trips $kind', (entry) => {
    expect(entryFromIndex(indexMember(entry), entry.exp)).toEqual(entry);
  });

  it.each(['', 'jti', 'jti:', 'nope:x', 'sub:notanumber:u', 'sub:12', 'sub:12:'])('refuses %j', (member) => {
    expect(entryFromIndex(member, 1)).toBeUndefined();
  });
});

describe('revocation events', () => {
  it('accepts version 1 and refuses unknown versions, kinds and shapes', () => {
    const ok = { v: 1, type: 'revoked', entry: { kind: 'jti', id: 'x', exp: 1 }, at: 5 };
    expect(revocationEventSchema.safeParse(ok).success).toBe(true);
    for (const bad of [
      { ...ok, v: 2 },
      { ...ok, entry: { kind: 'all', id: 'x', exp: 1 } },
      { ...ok, entry: { kind: 'sub', id: 'x', exp: 1 } },
      { ...ok, entry: { kind: 'jti', id: '', exp: 1 } },
      { ...ok, entry: { kind: 'jti', id: 'x', exp: -1 } },
      { v: 1, type: 'resync', at: 1 },
    ]) {
      expect(revocationEventSchema.safeParse(bad).success).toBe(false);
    }
  });
});
