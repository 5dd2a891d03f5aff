import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactIdSet } from './compact-id-set.ts';

/** Ids as this system writes them, plus odd strings that must stay strings. */
const idArbitrary = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
);

describe('CompactIdSet', () => {
  it('agrees with a reference Map under random adds, deletes, expiries and look-ups (model test)', () => {
    const command = fc.oneof(
      fc.record({ op: fc.constant('add' as const), id: fc.nat(60), exp: fc.integer({ min: 1, max: 50 }) }),
      fc.record({ op: fc.constant('delete' as const), id: fc.nat(60) }),
      fc.record({
        op: fc.constant('sweep' as const),
        now: fc.integer({ min: 0, max: 50 }),
        budget: fc.integer({ min: 1, max: 200 }),
      }),
      fc.record({ op: fc.constant('has' as const), id: fc.nat(60) }),
    );
    fc.assert(
      fc.property(
        fc.array(idArbitrary, { minLength: 61, maxLength: 61 }),
        fc.array(command, { maxLength: 400 }),
        (ids, commands) => {
          const set = new CompactIdSet();
          const model = new Map<string, number>();
          for (const c of commands) {
            if (c.op === 'add') {
              const id = ids[c.id]!;
              const before = model.get(id);
              const changed = set.add(id, c.exp);
              expect(changed).toBe(before === undefined || c.exp > before);
              if (changed) model.set(id, c.exp);
            } else if (c.op === 'delete') {
              expect(set.delete(ids[c.id]!)).toBe(model.delete(ids[c.id]!));
            } else if (c.op === 'sweep') {
              set.sweep(c.now, c.budget);
              // A partial sweep may leave expired ids; a full one may not. Either way no live id goes.
              for (const [id, exp] of model) {
                if (exp > c.now) expect(set.expiry(id)).toBe(exp);
                else if (!set.has(id)) model.delete(id);
              }
            } else {
              expect(set.expiry(ids[c.id]!)).toBe(model.get(ids[c.id]!));
            }
            expect(set.size).toBe(model.size);
          }
          set.sweep(1000);
          expect(set.size).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('grows past many entries and keeps every one, exactly', () => {
    const set = new CompactIdSet();
    const ids = Array.from({ length: 20_000 }, (_, i) =>
      i % 2 ? randomUUID() : randomBytes(16).toString('base64url'),
    );
    for (const [i, id] of ids.entries()) set.add(id, 100 + (i % 7));
    expect(set.size).toBe(ids.length);
    for (const [i, id] of ids.entries()) expect(set.expiry(id)).toBe(100 + (i % 7));
    expect(set.has(randomBytes(16).toString('base64url'))).toBe(false);
    // 20 bytes a slot at a load of 0.64–0.8.
    expect(set.tableBytes / set.size).toBeLessThanOrEqual(32);
    expect(set.sweep(103)).toBe(ids.filter((_, i) => 100 + (i % 7) <= 103).length);
    for (const [i, id] of ids.entries()) expect(set.has(id)).toBe(100 + (i % 7) > 103);
  });

  it('reserves once for a known number of ids and then does not grow', () => {
    const set = new CompactIdSet();
    set.reserve(10_000);
    const bytes = set.tableBytes;
    for (let i = 0; i < 10_000; i++) set.add(randomBytes(16).toString('base64url'), 100);
    expect(set.tableBytes).toBe(bytes);
    expect(set.size).toBe(10_000);
  });

  it('keeps a base64url id and a UUID with the same bytes apart', () => {
    const bytes = randomBytes(16);
    const hex = bytes.toString('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const set = new CompactIdSet();
    set.add(bytes.toString('base64url'), 10);
    expect(set.has(uuid)).toBe(false);
    expect(set.has(uuid.toUpperCase())).toBe(false);
  });
});
