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

  /** Home slot: the id's words mixed, then mapped onto [0, capacity) by multiplication, not modulo. */
  home(w0: number, w1: number, w2: number, w3: number): number {
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(w2 ^ (w3 >>> 7), 0xc2b2ae35);
    h ^= h >>> 15;
    return Math.floor(((h >>> 0) * this.capacity) / 4294967296);
  }

  /** The slot holding this id, or -1. */
  find(w0: number, w1: number, w2: number, w3: number): number {
    const { slots, capacity, stride } = this;
    let slot = this.home(w0, w1, w2, w3);
    for (;;) {
      const base = slot * stride;
      if (slots[base + EXPIRY] === 0) return -1;
      if (slots[base] === w0 && slots[base + 1] === w1 && slots[base + 2] === w2 && slots[base + 3] === w3)
        return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  /** Inserts, or raises the expiry and the value; true when the table changed. `exp` must be > 0. */
  put(w0: number, w1: number, w2: number, w3: number, exp: number, value = 0): boolean {
    const found = this.find(w0, w1, w2, w3);
    if (found >= 0) return this.#raise(found * this.stride, exp, value);
    if (this.size + 1 > this.capacity * this.#shape.maxLoad) this.#grow();
    this.#place(w0, w1, w2, w3, exp, value);
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
      const home = this.home(slots[base]!, slots[base + 1]!, slots[base + 2]!, slots[base + 3]!);
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

  /** Writes an id that is not in the table into its first free slot (room is already made). */
  #place(w0: number, w1: number, w2: number, w3: number, exp: number, value: number): void {
    const { slots, capacity, stride } = this;
    let slot = this.home(w0, w1, w2, w3);
    while (slots[slot * stride + EXPIRY] !== 0) slot = slot + 1 === capacity ? 0 : slot + 1;
    const base = slot * stride;
    slots[base] = w0;
    slots[base + 1] = w1;
    slots[base + 2] = w2;
    slots[base + 3] = w3;
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
      this.#place(old[base]!, old[base + 1]!, old[base + 2]!, old[base + 3]!, old[base + EXPIRY]!, value);
    }
  }
}
