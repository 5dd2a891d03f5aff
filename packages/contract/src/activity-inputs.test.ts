import { describe, expect, it } from 'vitest';
import { recordActivityInput } from './activity-inputs.ts';
import { ACTIVITY_KINDS } from './activity-kinds.ts';

// Written out: the contract runs in browsers too, so its tests use no node:crypto.
const noteId = '0b6f3c1e-8d2a-4f57-9c3e-5a1d2b7e4f60';

describe('recordActivityInput', () => {
  it.each(ACTIVITY_KINDS)('accepts %s with a note id', (kind) => {
    expect(recordActivityInput.parse({ kind, detail: { noteId } })).toEqual({ kind, detail: { noteId } });
  });

  it.each([
    ['an unknown kind', { kind: 'user.banned', detail: { noteId } }],
    ['a missing detail', { kind: 'note.created' }],
    ['a non-uuid note id', { kind: 'note.created', detail: { noteId: 'not-a-uuid' } }],
    ['a numeric note id', { kind: 'note.created', detail: { noteId: 42 } }],
    ['an extra top-level key', { kind: 'note.created', detail: { noteId }, userId: 'someone-else' }],
    ['an extra detail key', { kind: 'note.created', detail: { noteId, blob: 'x'.repeat(1000) } }],
    ['an array', [{ kind: 'note.created', detail: { noteId } }]],
    ['null', null],
  ])('refuses %s', (_, input) => {
    expect(recordActivityInput.safeParse(input).success).toBe(false);
  });
});
