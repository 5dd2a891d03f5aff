/** Word offsets within a slot: four of id, then the expiry (seconds; 0 marks an empty slot), then a value. */
export const EXPIRY = 4;
export const VALUE = 5;

/**
 * How a table lays out and sizes its slots. Bytes per entry are `4 × stride / load`, and the load
 * moves between `maxLoad / growth` (just grown) and `maxLoad` (about to grow).
 */
export interface TableShape {
  /** Words per slot: 5 (id and expiry) or 6 (and one value). */
  stride: 5 | 6;
  /** Grow past this load. Linear probing slows quickly above 0.85 (a miss scans ~23 slots there). */
  maxLoad: number;
  growth: number;
}

/**
 * One open-addressing table of 128-bit ids, each with an expiry and optionally one value (linear
 * probing, backward-shift deletion: no tombstones). Merges monotonically: a later expiry or a larger
 * value wins, so replays and reorderings change nothing.
 */
export class WordTable {
  readonly stride: number;
  slots: Uint32Array;
  capacity: number;
  size = 0;
  readonly #shape: TableShape;
  /** Where the next incremental sweep resumes. */
  #sweepAt = 0;

  constructor(shape: TableShape, capacity = 64) {
    this.#shape = shape;
    this.stride = shape.stride;
    this.capacity = capacity;
    this.slots = new Uint32Array(capacity * shape.stride);
  }

  /**
   * Home slot of the id in `ids[at…at + 3]`: its words mixed, then mapped onto [0, capacity) by
   * multiplication, not modulo. Ids are passed as an array and an index, never as four numbers: a word
   * of 2³¹ or more passed to a call the compiler did not inline would be boxed, and the request path
   * must not allocate.
   */
  home(ids: Uint32Array, at: number): number {
    const w0 = ids[at]!;
    const w1 = ids[at + 1]!;
    const w2 = ids[at + 2]!;
    const w3 = ids[at + 3]!;
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(w2 ^ (w3 >>> 7), 0xc2b2ae35);
    h ^= h >>> 15;
    return Math.floor(((h >>> 0) * this.capacity) / 4294967296);
  }

  /** The slot holding the id in `id[0…3]`, or -1. */
  find(id: Uint32Array): number {
    const { slots, capacity, stride } = this;
    const w0 = id[0]!;
    const w1 = id[1]!;
    const w2 = id[2]!;
    const w3 = id[3]!;
    let slot = this.home(id, 0);
    for (;;) {
      const base = slot * stride;
      if (slots[base + EXPIRY] === 0) return -1;
      if (slots[base] === w0 && slots[base + 1] === w1 && slots[base + 2] === w2 && slots[base + 3] === w3)
        return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  /**
   * Inserts the id in `id[0…3]`, or raises its expiry and value; true when the table changed. `exp`
   * must be > 0.
   */
  put(id: Uint32Array, exp: number, value = 0): boolean {
    const found = this.find(id);
    if (found >= 0) return this.#raise(found * this.stride, exp, value);
    if (this.size + 1 > this.capacity * this.#shape.maxLoad) this.#grow();
    this.#place(id, 0, exp, value);
    return true;
  }

  /** Empties a slot and shifts back the entries after it that probed past it. */
  removeAt(slot: number): void {
    const { slots, capacity, stride } = this;
    let hole = slot;
    let next = slot + 1 === capacity ? 0 : slot + 1;
    for (;;) {
      const base = next * stride;
      if (slots[base + EXPIRY] === 0) break;
      const home = this.home(slots, base);
      // Move it into the hole unless its home lies cyclically in (hole, next].
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!stays) {
        slots.copyWithin(hole * stride, base, base + stride);
        hole = next;
      }
      next = next + 1 === capacity ? 0 : next + 1;
    }
    slots.fill(0, hole * stride, hole * stride + stride);
    this.size--;
  }

  /**
   * Drops entries whose expiry is at or before `nowSec`, looking at no more than `budget` slots
   * (resuming where the last call stopped). Returns how many were dropped.
   */
  sweep(nowSec: number, budget: number): number {
    const { slots, stride } = this;
    const steps = Math.min(budget, this.capacity);
    let dropped = 0;
    let slot = this.#sweepAt % this.capacity;
    for (let step = 0; step < steps; step++) {
      // Backward shift may pull another entry into this slot: look at the slot until it keeps one.
      for (;;) {
        const exp = slots[slot * stride + EXPIRY]!;
        if (exp === 0 || exp > nowSec) break;
        this.removeAt(slot);
        dropped++;
      }
      slot = slot + 1 === this.capacity ? 0 : slot + 1;
    }
    this.#sweepAt = slot;
    return dropped;
  }

  /** Grows, if needed, so that `total` entries fit without further growth. */
  reserve(total: number): void {
    const needed = Math.ceil(total / this.#shape.maxLoad) + 1;
    if (needed > this.capacity) this.#resize(needed);
  }

  #raise(base: number, exp: number, value: number): boolean {
    const { slots } = this;
    let changed = false;
    if (slots[base + EXPIRY]! < exp) {
      slots[base + EXPIRY] = exp;
      changed = true;
    }
    if (this.stride > VALUE && slots[base + VALUE]! < value) {
      slots[base + VALUE] = value;
      changed = true;
    }
    return changed;
  }

  /**
   * Writes the id in `ids[at…at + 3]`, which is not in the table, into its first free slot (room is
   * already made).
   */
  #place(ids: Uint32Array, at: number, exp: number, value: number): void {
    const { slots, capacity, stride } = this;
    let slot = this.home(ids, at);
    while (slots[slot * stride + EXPIRY] !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
    const base = slot * stride;
    slots[base] = ids[at]!;
    slots[base + 1] = ids[at + 1]!;
    slots[base + 2] = ids[at + 2]!;
    slots[base + 3] = ids[at + 3]!;
    slots[base + EXPIRY] = exp;
    if (stride > VALUE) slots[base + VALUE] = value;
    this.size++;
  }

  #grow(): void {
    this.#resize(Math.ceil(this.capacity * this.#shape.growth) + 1);
  }

  #resize(capacity: number): void {
    const old = this.slots;
    const { stride } = this;
    this.capacity = capacity;
    this.slots = new Uint32Array(capacity * stride);
    this.size = 0;
    for (let base = 0; base < old.length; base += stride) {
      if (old[base + EXPIRY] === 0) continue;
      const value = stride > VALUE ? old[base + VALUE]! : 0;
      this.#place(old, base, old[base + EXPIRY]!, value);
    }
  }
}
