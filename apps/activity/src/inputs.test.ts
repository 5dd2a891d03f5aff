import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordInput } from './inputs.ts';

const noteId = randomUUID();

describe('recordInput', () => {
  it.each(['note.created', 'note.deleted'])('accepts %s with a note id', (kind) => {
    expect(recordInput.parse({ kind, detail: { noteId } })).toEqual({ kind, detail: { noteId } });
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
    expect(recordInput.safeParse(input).success).toBe(false);
  });
});
