import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createInput, deleteInput, MAX_BODY_LENGTH } from './inputs.ts';

describe('createInput', () => {
  it.each([
    ['one character', 'x'],
    ['the longest body', 'x'.repeat(MAX_BODY_LENGTH)],
    ['unicode and newlines', '  ünïcödé 📝\nsecond line  '],
  ])('accepts %s, unchanged', (_, body) => {
    expect(createInput.parse({ body })).toEqual({ body });
  });

  it.each([
    ['an empty body', { body: '' }],
    ['a blank body', { body: ' \n\t ' }],
    ['a body one past the limit', { body: 'x'.repeat(MAX_BODY_LENGTH + 1) }],
    ['a NUL character', { body: 'a\u0000b' }],
    ['a number', { body: 42 }],
    ['null', { body: null }],
    ['an array', { body: ['a'] }],
    ['a missing body', {}],
    ['an extra key', { body: 'x', userId: 'someone-else' }],
    ['no object at all', 'x'],
  ])('refuses %s', (_, input) => {
    expect(createInput.safeParse(input).success).toBe(false);
  });
});

describe('deleteInput', () => {
  it('accepts a uuid', () => {
    const id = randomUUID();
    expect(deleteInput.parse({ id })).toEqual({ id });
  });

  it.each([
    ['a non-uuid', { id: 'abc' }],
    ['SQL', { id: "' OR 1=1 --" }],
    ['a number', { id: 1 }],
    ['an extra key', { id: randomUUID(), force: true }],
  ])('refuses %s', (_, input) => {
    expect(deleteInput.safeParse(input).success).toBe(false);
  });
});
