import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactNotBeforeMap } from './compact-not-before-map.ts';
import { canonicalId } from './entry.ts';

/** User ids: UUIDs in the case they were written in, ids the codec packs otherwise, and odd strings. */
const baseIdArbitrary = fc.oneof(
  { arbitrary: fc.uuid(), weight: 3 },
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.string({ minLength: 1, maxLength: 40 }),
  // 36 characters shaped like a UUID but not one: must stay a string, exactly.
  fc.uuid().map((uuid) => `${uuid.slice(0, 35)}g`),
);
/** How a look-up or an entry spells an id: as it is, upper case, or every other character upper case. */
const spell = (id: string, spelling: number): string =>
  spelling === 0
    ? id
    : spelling === 1
      ? id.toUpperCase()
      : [...id].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');

interface Held {
  notBefore: number;
  exp: number;
}

/** The reference: a `Map` under the id's canonical spelling, merged monotonically field by field. */
function modelAdd(model: Map<string, Held>, id: string, notBefore: number, exp: number): boolean {
  const key = canonicalId(id);
  const held = model.get(key);
  if (!held) {
    model.set(key, { notBefore, exp });
    return true;
  }
  const changed = notBefore > held.notBefore || exp > held.exp;
  held.notBefore = Math.max(held.notBefore, notBefore);
  held.exp = Math.max(held.exp, exp);
  return changed;
}

describe('CompactNotBeforeMap', () => {
  it('agrees with a reference Map under random adds, look-ups and sweeps, in any case (model test)', () => {
    const pick = { id: fc.nat(40), spelling: fc.nat(2) };
    const command = fc.oneof(
      fc.record({
        op: fc.constant('add' as const),
        ...pick,
        notBefore: fc.integer({ min: 0, max: 60 }),
        exp: fc.integer({ min: 1, max: 50 }),
      }),
      fc.record({
        op: fc.constant('sweep' as const),
        now: fc.integer({ min: 0, max: 50 }),
        budget: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      }),
      fc.record({ op: fc.constant('lookup' as const), ...pick }),
    );
    fc.assert(
      fc.property(
        fc.array(baseIdArbitrary, { minLength: 41, maxLength: 41 }),
        fc.array(command, { maxLength: 400 }),
        (ids, commands) => {
          const map = new CompactNotBeforeMap();
          const model = new Map<string, Held>();
          for (const c of commands) {
            if (c.op === 'add') {
              const id = spell(ids[c.id]!, c.spelling);
              expect(map.add(id, c.notBefore, c.exp)).toBe(modelAdd(model, id, c.notBefore, c.exp));
            } else if (c.op === 'sweep') {
              map.sweep(c.now, c.budget);
              // A partial sweep may leave expired entries; a full one may not. No live entry goes.
              for (const [id, held] of model) {
                if (held.exp > c.now) expect(map.notBefore(id)).toBe(held.notBefore);
                else if (c.budget === undefined || map.expiry(id) === undefined) {
                  expect(map.expiry(id)).toBeUndefined();
                  model.delete(id);
                }
              }
            } else {
              const id = spell(ids[c.id]!, c.spelling);
              const held = model.get(canonicalId(id));
              expect(map.notBefore(id)).toBe(held?.notBefore);
              expect(map.expiry(id)).toBe(held?.exp);
            }
            expect(map.size).toBe(model.size);
          }
          map.sweep(1000);
          expect(map.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('folds a UUID in any case to one user, and keeps every other id exact', () => {
    const uuid = randomUUID();
    const map = new CompactNotBeforeMap();
    expect(map.add(uuid.toUpperCase(), 100, 200)).toBe(true);
    expect(map.add(uuid, 90, 150)).toBe(false);
    expect(map.notBefore(uuid)).toBe(100);
    expect(map.add('User-A', 100, 200)).toBe(true);
    expect(map.notBefore('user-a')).toBeUndefined();
    const jtiLike = randomBytes(16).toString('base64url');
    map.add(jtiLike, 5, 200);
    expect(map.notBefore(jtiLike.toUpperCase())).toBe(jtiLike === jtiLike.toUpperCase() ? 5 : undefined);
    expect(map.size).toBe(3);
  });

  it('grows past many users within 32 bytes each, and keeps every one, exactly', () => {
    const map = new CompactNotBeforeMap();
    const users = Array.from({ length: 30_000 }, () => randomUUID());
    for (const [i, user] of users.entries()) {
      map.add(user, 1000 + i, 2000 + (i % 7));
      // 24-byte slots at a load of 0.755–0.85 (31.8 bytes at worst), at every size once the other
      // form's empty 64-slot table (1.5 KB) no longer counts for much.
      if (i >= 20_000 && i % 100 === 0) expect(map.tableBytes / map.size).toBeLessThanOrEqual(32);
    }
    expect(map.size).toBe(users.length);
    for (const [i, user] of users.entries()) expect(map.notBefore(user)).toBe(1000 + i);
    expect(map.notBefore(randomUUID())).toBeUndefined();
    expect(map.sweep(2003)).toBe(users.filter((_, i) => 2000 + (i % 7) <= 2003).length);
    for (const [i, user] of users.entries())
      expect(map.notBefore(user) !== undefined).toBe(2000 + (i % 7) > 2003);
  });
});
