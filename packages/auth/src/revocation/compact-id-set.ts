import { ID_BASE64URL, readId } from './id-codec.ts';

/** Words per slot: four of id, one of expiry (seconds; 0 marks an empty slot). */
const STRIDE = 5;
/** Grow past this load; growing by 1.25 keeps the load between 0.64 and 0.8 (25–31 bytes per id). */
const MAX_LOAD = 0.8;
const GROWTH = 1.25;

/** One open-addressing table of 128-bit ids (linear probing, backward-shift deletion: no tombstones). */
class WordTable {
  slots: Uint32Array;
  capacity: number;
  size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.slots = new Uint32Array(capacity * STRIDE);
  }

  /** Home slot: the id's words mixed, then mapped onto [0, capacity) by multiplication, not modulo. */
  home(w0: number, w1: number, w2: number, w3: number): number {
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(w2 ^ (w3 >>> 7), 0xc2b2ae35);
    h ^= h >>> 15;
    return Math.floor(((h >>> 0) * this.capacity) / 4294967296);
  }

  /** The slot holding this id, or -1. */
  find(w0: number, w1: number, w2: number, w3: number): number {
    const { slots, capacity } = this;
    let slot = this.home(w0, w1, w2, w3);
    for (;;) {
      const base = slot * STRIDE;
      if (slots[base + 4] === 0) return -1;
      if (slots[base] === w0 && slots[base + 1] === w1 && slots[base + 2] === w2 && slots[base + 3] === w3)
        return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  /** Inserts or raises the expiry; true when the table changed. */
  put(w0: number, w1: number, w2: number, w3: number, exp: number): boolean {
    const found = this.find(w0, w1, w2, w3);
    if (found >= 0) {
      if (this.slots[found * STRIDE + 4]! >= exp) return false;
      this.slots[found * STRIDE + 4] = exp;
      return true;
    }
    if (this.size + 1 > this.capacity * MAX_LOAD) this.#grow();
    const { slots, capacity } = this;
    let slot = this.home(w0, w1, w2, w3);
    while (slots[slot * STRIDE + 4] !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
    const base = slot * STRIDE;
    slots[base] = w0;
    slots[base + 1] = w1;
    slots[base + 2] = w2;
    slots[base + 3] = w3;
    slots[base + 4] = exp;
    this.size++;
    return true;
  }

  /** Empties a slot and shifts back the entries after it that probed past it. */
  removeAt(slot: number): void {
    const { slots, capacity } = this;
    let hole = slot;
    let next = slot + 1 === capacity ? 0 : slot + 1;
    for (;;) {
      const base = next * STRIDE;
      if (slots[base + 4] === 0) break;
      const home = this.home(slots[base]!, slots[base + 1]!, slots[base + 2]!, slots[base + 3]!);
      // Move it into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!stays) {
        slots.copyWithin(hole * STRIDE, base, base + STRIDE);
        hole = next;
      }
      next = next + 1 === capacity ? 0 : next + 1;
    }
    slots.fill(0, hole * STRIDE, hole * STRIDE + STRIDE);
    this.size--;
  }

  /** Grows, if needed, so that `total` entries fit without further growth. */
  reserve(total: number): void {
    const needed = Math.ceil(total / MAX_LOAD) + 1;
    if (needed > this.capacity) this.#resize(needed);
  }

  #grow(): void {
    this.#resize(Math.ceil(this.capacity * GROWTH) + 1);
  }

  #resize(capacity: number): void {
    const old = this.slots;
    this.capacity = capacity;
    this.slots = new Uint32Array(this.capacity * STRIDE);
    this.size = 0;
    for (let base = 0; base < old.length; base += STRIDE) {
      if (old[base + 4] !== 0)
        this.put(old[base]!, old[base + 1]!, old[base + 2]!, old[base + 3]!, old[base + 4]!);
    }
  }
}

/**
 * A set of revoked ids, each with an expiry, in about 25–31 bytes per id instead of the ~85 of a
 * `Map<string, number>`: 128-bit ids in their canonical text forms (base64url `jti`, UUID `sid`)
 * are stored as words in typed arrays. Exact: any other string is kept as a string, so there are no
 * false positives. `has` allocates nothing.
 */
export class CompactIdSet {
  readonly #tables = [new WordTable(64), new WordTable(64)];
  readonly #other = new Map<string, number>();
  readonly #words = new Uint32Array(4);
  /** Where the next incremental sweep resumes, per table. */
  readonly #sweepAt = [0, 0];

  /**
   * Adds `id` until `exp` (seconds, > 0), or raises its expiry. True when the set changed. With an
   * `offset`, the id is the rest of `text` from there (no substring is made on the common path).
   */
  add(text: string, exp: number, offset = 0): boolean {
    const w = this.#words;
    const form = readId(text, w, offset);
    if (form === 0) {
      const id = offset === 0 ? text : text.slice(offset);
      const current = this.#other.get(id);
      if (current !== undefined && current >= exp) return false;
      this.#other.set(id, exp);
      return true;
    }
    return this.#table(form).put(w[0]!, w[1]!, w[2]!, w[3]!, exp >>> 0);
  }

  /**
   * Sizes the table of 128-bit base64url ids (the common case: `jti`s) for `total` entries. Other
   * forms grow as they go.
   */
  reserve(total: number): void {
    this.#tables[0]!.reserve(total);
  }

  has(id: string): boolean {
    return this.expiry(id) !== undefined;
  }

  /** The id's expiry, or undefined when it is not in the set. */
  expiry(id: string): number | undefined {
    // Most requests meet an empty or small set: skip parsing the id when there is nothing to find.
    if (this.size === 0) return undefined;
    const w = this.#words;
    const form = readId(id, w);
    if (form === 0) return this.#other.get(id);
    const table = this.#table(form);
    const slot = table.find(w[0]!, w[1]!, w[2]!, w[3]!);
    return slot < 0 ? undefined : table.slots[slot * STRIDE + 4];
  }

  delete(id: string): boolean {
    const w = this.#words;
    const form = readId(id, w);
    if (form === 0) return this.#other.delete(id);
    const table = this.#table(form);
    const slot = table.find(w[0]!, w[1]!, w[2]!, w[3]!);
    if (slot < 0) return false;
    table.removeAt(slot);
    return true;
  }

  get size(): number {
    return this.#tables[0]!.size + this.#tables[1]!.size + this.#other.size;
  }

  /** Bytes held by the typed arrays (the strings kept as strings are not counted). */
  get tableBytes(): number {
    return this.#tables[0]!.slots.byteLength + this.#tables[1]!.slots.byteLength;
  }

  /**
   * Drops ids whose expiry is at or before `nowSec`, looking at no more than `budget` slots per table
   * (resuming where the last call stopped), so a timer can sweep a million entries a slice at a time.
   * Returns how many were dropped.
   */
  sweep(nowSec: number, budget = Number.POSITIVE_INFINITY): number {
    let dropped = 0;
    for (const [id, exp] of this.#other) {
      if (exp <= nowSec) {
        this.#other.delete(id);
        dropped++;
      }
    }
    for (let t = 0; t < 2; t++) {
      const table = this.#tables[t]!;
      const steps = Math.min(budget, table.capacity);
      let slot = this.#sweepAt[t]! % table.capacity;
      for (let step = 0; step < steps; step++) {
        // Backward shift may pull another entry into this slot: look at the slot until it keeps one.
        for (;;) {
          const exp = table.slots[slot * STRIDE + 4]!;
          if (exp === 0 || exp > nowSec) break;
          table.removeAt(slot);
          dropped++;
        }
        slot = slot + 1 === table.capacity ? 0 : slot + 1;
      }
      this.#sweepAt[t] = slot;
    }
    return dropped;
  }

  #table(form: number): WordTable {
    return this.#tables[form === ID_BASE64URL ? 0 : 1]!;
  }
}
