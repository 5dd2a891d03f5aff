import { CompactIdTable } from './compact-id-table.ts';
import { VALUE } from './word-table.ts';

/**
 * User id → not-before (seconds: that user's tokens issued earlier are revoked), each with the
 * expiry after which it may be forgotten, merged monotonically (a later not-before, a later expiry
 * wins, each on its own). User ids are UUIDs, so they pack like `sid`s (either case is one user, as
 * `canonicalId` has it); any other user id is kept as a string, exactly.
 *
 * A slot is 24 bytes (id, expiry, not-before), so the load is kept between 0.755 and 0.85 rather than
 * the id sets' 0.64–0.8: that keeps every entry within 32 bytes (24 / 0.755 = 31.8) at the price of
 * longer scans for a miss when the table is fullest (~23 slots, against ~13 at 0.8), and of more
 * frequent, smaller growth steps.
 */
export class CompactNotBeforeMap extends CompactIdTable {
  constructor() {
    super({ stride: 6, maxLoad: 0.85, growth: 1.125 });
  }

  /**
   * Sets the user's not-before and expiry, or raises either. True when the map changed. With an
   * `offset`, the id is the rest of `text` from there.
   */
  add(text: string, notBefore: number, exp: number, offset = 0): boolean {
    return this.put(text, exp, notBefore, offset);
  }

  /** The user's not-before, or undefined when none is held. Allocates nothing. */
  notBefore(id: string): number | undefined {
    return this.read(id, VALUE);
  }
}
