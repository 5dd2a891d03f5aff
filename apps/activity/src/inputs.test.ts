import { recordActivityInput } from '@revoke/contract';
import { describe, expect, it } from 'vitest';
import { recordInput } from './inputs.ts';

// The schema's edge cases are tested in @revoke/contract; here only that activity validates with
// it, not with a copy whose kinds could drift from the ones the web client names.
describe('the activity inputs', () => {
  it('are the contract schema', () => {
    expect(recordInput).toBe(recordActivityInput);
  });
});
