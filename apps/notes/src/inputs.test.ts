import { createNoteInput, deleteNoteInput, MAX_NOTE_BODY_LENGTH } from '@revoke/contract';
import { describe, expect, it } from 'vitest';
import { createInput, deleteInput, MAX_BODY_LENGTH } from './inputs.ts';

// The schemas' edge cases are tested in @revoke/contract; here only that notes validates with them,
// not with a copy that could drift from what the web client checks.
describe('the notes inputs', () => {
  it('are the contract schemas and limit', () => {
    expect(createInput).toBe(createNoteInput);
    expect(deleteInput).toBe(deleteNoteInput);
    expect(MAX_BODY_LENGTH).toBe(MAX_NOTE_BODY_LENGTH);
  });
});
