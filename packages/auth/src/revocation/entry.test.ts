import { describe, expect, it } from 'vitest';
import {
  canonicalId,
  entryFromIndex,
  entryMatches,
  indexMember,
  lookupIds,
  type RevocationEntry,
  revocationEntrySchema,
  revocationEventSchema,
} from './entry.ts';

describe('index members', () => {
  const entries: RevocationEntry[] = [
    { kind: 'jti', id: 'AbC-_1', exp: 10 },
    { kind: 'sid', id: 'with:colons:inside', exp: 20 },
    { kind: 'sub', id: 'user:42', notBefore: 123, exp: 30 },
    { kind: 'kid', id: 'key-2026', exp: 40 },
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

describe('canonical ids', () => {
  const uuid = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

  it('folds a UUID to lower case and leaves every other id exactly as it is', () => {
    expect(canonicalId(uuid.toUpperCase())).toBe(uuid);
    expect(canonicalId('6F9619ff-8B86-d011-B42D-00c04fc964FF')).toBe(uuid);
    expect(canonicalId(uuid)).toBe(uuid);
    for (const id of ['AbC-_1xyzAbC-_1xyzAbC-', 'User:42', `${uuid.toUpperCase()}x`, ` ${uuid}`]) {
      expect(canonicalId(id)).toBe(id);
    }
  });

  it('every entry is made canonical where it is parsed (writer, events, re-seed)', () => {
    expect(revocationEntrySchema.parse({ kind: 'sid', id: uuid.toUpperCase(), exp: 1 })).toEqual({
      kind: 'sid',
      id: uuid,
      exp: 1,
    });
    const event = {
      v: 1,
      type: 'revoked',
      entry: { kind: 'sub', id: uuid.toUpperCase(), notBefore: 1, exp: 2 },
      at: 0,
    };
    expect(revocationEventSchema.parse(event)).toMatchObject({ entry: { id: uuid } });
  });

  it('a token is matched and looked up under its canonical ids', () => {
    const claims = {
      iss: 'i',
      aud: 'a',
      sub: uuid.toUpperCase(),
      sid: uuid.toUpperCase(),
      jti: 'j',
      iat: 1,
      exp: 9,
    };
    expect(entryMatches({ kind: 'sid', id: uuid, exp: 9 }, claims)).toBe(true);
    expect(entryMatches({ kind: 'sub', id: uuid, notBefore: 2, exp: 9 }, claims)).toBe(true);
    expect(lookupIds(claims)).toEqual([
      ['jti', 'j'],
      ['sid', uuid],
      ['sub', uuid],
    ]);
    expect(lookupIds({ ...claims, kid: 'k1' }).at(-1)).toEqual(['kid', 'k1']);
  });
});
