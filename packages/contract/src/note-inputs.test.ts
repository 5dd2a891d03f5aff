import { describe, expect, it } from 'vitest';
import { MAX_NOTE_BODY_LENGTH } from './limits.ts';
import { createNoteInput, deleteNoteInput } from './note-inputs.ts';

// Written out: the contract runs in browsers too, so its tests use no node:crypto.
const NOTE_ID = '3f0c2a9e-6b1d-4c8e-a2f7-9d5e1b3c7a40';

describe('createNoteInput', () => {
  it.each([
    ['one character', 'x'],
    ['the longest body', 'x'.repeat(MAX_NOTE_BODY_LENGTH)],
    ['unicode and newlines', '  ünïcödé 📝\nsecond line  '],
  ])('accepts %s, unchanged', (_, body) => {
    expect(createNoteInput.parse({ body })).toEqual({ body });
  });

  it.each([
    ['an empty body', { body: '' }],
    ['a blank body', { body: ' \n\t ' }],
    ['a body one past the limit', { body: 'x'.repeat(MAX_NOTE_BODY_LENGTH + 1) }],
    ['a NUL character', { body: 'a\u0000b' }],
    ['a number', { body: 42 }],
    ['null', { body: null }],
    ['an array', { body: ['a'] }],
    ['a missing body', {}],
    ['an extra key', { body: 'x', userId: 'someone-else' }],
    ['no object at all', 'x'],
  ])('refuses %s', (_, input) => {
    expect(createNoteInput.safeParse(input).success).toBe(false);
  });
});

describe('deleteNoteInput', () => {
  it('accepts a uuid', () => {
    const id = NOTE_ID;
    expect(deleteNoteInput.parse({ id })).toEqual({ id });
  });

  it.each([
    ['a non-uuid', { id: 'abc' }],
    ['SQL', { id: "' OR 1=1 --" }],
    ['a number', { id: 1 }],
    ['an extra key', { id: NOTE_ID, force: true }],
  ])('refuses %s', (_, input) => {
    expect(deleteNoteInput.safeParse(input).success).toBe(false);
  });
});
