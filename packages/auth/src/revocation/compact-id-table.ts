import { ID_BASE64URL, readId } from './id-codec.ts';
import { EXPIRY, type TableShape, VALUE, WordTable } from './word-table.ts';

/**
 * Ids in text → an expiry and, with a 6-word shape, one value, held as words in typed arrays
 * (`word-table.ts`) instead of strings in a `Map`: 128-bit ids in their canonical text forms
 * (base64url, UUID in either case; see `id-codec.ts`) each get a table of their own form. Exact: any
 * other string is kept as a string, so two ids never share an entry. Look-ups allocate nothing.
 * The machinery of `CompactIdSet` (no value) and `CompactNotBeforeMap` (a not-before per user).
 */
export class CompactIdTable {
  readonly #tables: readonly [WordTable, WordTable];
  /** Ids the codec cannot pack → expiry, and → value when the shape has one. */
  readonly #otherExpiry = new Map<string, number>();
  readonly #otherValue = new Map<string, number>();
  readonly #hasValue: boolean;
  readonly #words = new Uint32Array(4);

  constructor(shape: TableShape) {
    this.#tables = [new WordTable(shape), new WordTable(shape)];
    this.#hasValue = shape.stride > VALUE;
  }

  /**
   * Adds `id` until `exp` (seconds, > 0) with `value`, or raises either; true when the table
   * changed. With an `offset`, the id is the rest of `text` from there (no substring is made on the
   * common path).
   */
  protected put(text: string, exp: number, value: number, offset: number): boolean {
    const w = this.#words;
    const form = readId(text, w, offset);
    if (form !== 0) return this.#table(form).put(w, exp >>> 0, value >>> 0);
    const id = offset === 0 ? text : text.slice(offset);
    const current = this.#otherExpiry.get(id);
    let changed = false;
    if (current === undefined || current < exp) {
      this.#otherExpiry.set(id, exp);
      changed = true;
    }
    if (this.#hasValue) {
      const currentValue = this.#otherValue.get(id);
      if (currentValue === undefined || currentValue < value) {
        this.#otherValue.set(id, value);
        changed = true;
      }
    }
    return changed;
  }

  /** The word at `column` (`EXPIRY` or `VALUE`) of `id`'s entry, or undefined when there is none. */
  protected read(id: string, column: number): number | undefined {
    // Most requests meet an empty or small table: skip parsing the id when there is nothing to find.
    if (this.size === 0) return undefined;
    const w = this.#words;
    const form = readId(id, w);
    if (form === 0) return (column === EXPIRY ? this.#otherExpiry : this.#otherValue).get(id);
    const table = this.#table(form);
    const slot = table.find(w);
    return slot < 0 ? undefined : table.slots[slot * table.stride + column];
  }

  /**
   * Sizes the table of 128-bit base64url ids (the common case: `jti`s) for `total` entries. Other
   * forms grow as they go.
   */
  reserve(total: number): void {
    this.#tables[0].reserve(total);
  }

  /** The id's expiry, or undefined when it is not held. */
  expiry(id: string): number | undefined {
    return this.read(id, EXPIRY);
  }

  delete(id: string): boolean {
    const w = this.#words;
    const form = readId(id, w);
    if (form === 0) {
      this.#otherValue.delete(id);
      return this.#otherExpiry.delete(id);
    }
    const table = this.#table(form);
    const slot = table.find(w);
    if (slot < 0) return false;
    table.removeAt(slot);
    return true;
  }

  get size(): number {
    return this.#tables[0].size + this.#tables[1].size + this.#otherExpiry.size;
  }

  /** Bytes held by the typed arrays (the strings kept as strings are not counted). */
  get tableBytes(): number {
    return this.#tables[0].slots.byteLength + this.#tables[1].slots.byteLength;
  }

  /**
   * Drops ids whose expiry is at or before `nowSec`, looking at no more than `budget` slots per table
   * (resuming where the last call stopped), so a timer can sweep a million entries a slice at a time.
   * Returns how many were dropped.
   */
  sweep(nowSec: number, budget = Number.POSITIVE_INFINITY): number {
    let dropped = 0;
    for (const [id, exp] of this.#otherExpiry) {
      if (exp > nowSec) continue;
      this.#otherExpiry.delete(id);
      this.#otherValue.delete(id);
      dropped++;
    }
    for (const table of this.#tables) dropped += table.sweep(nowSec, budget);
    return dropped;
  }

  #table(form: number): WordTable {
    return this.#tables[form === ID_BASE64URL ? 0 : 1];
  }
}
