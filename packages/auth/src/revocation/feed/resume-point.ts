import type { ResumePoint } from '../stream-replay.ts';

/** A {@link ResumePoint} that live events move forward, one shard at a time. */
export class MutableResumePoint implements ResumePoint {
  readonly epoch: string;
  readonly #positions: (string | null)[];

  constructor(point: ResumePoint) {
    this.epoch = point.epoch;
    this.#positions = [...point.positions];
  }

  get positions(): readonly (string | null)[] {
    return this.#positions;
  }

  /** The shard's stream entry `position` has been applied, after every earlier one. */
  advance(shard: number, position: string): void {
    if (shard >= 0 && shard < this.#positions.length) this.#positions[shard] = position;
  }
}
