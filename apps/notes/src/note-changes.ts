import { EventEmitter } from 'node:events';

/**
 * Tells this process's `notes.live` subscriptions that a user's notes changed. In process only: a
 * change made through another notes instance is not heard here (the subscriber sees it on its next
 * change, or when it subscribes again). Bursts are coalesced: a subscriber that is busy reading the
 * list hears one change afterwards, however many happened meanwhile, so a busy writer cannot make a
 * slow reader queue up unboundedly.
 */
export class NoteChanges {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open subscription; the subscriptions are capped by `LIVE_MAX_*`, not here.
    this.#emitter.setMaxListeners(0);
  }

  /** Call after a change to `userId`'s notes has committed. */
  notify(userId: string): void {
    this.#emitter.emit(userId);
  }

  /** Open listeners (subscriptions), for tests. */
  listeners(userId: string): number {
    return this.#emitter.listenerCount(userId);
  }

  /**
   * Listens at once (so a change made before the first `next()` is not lost) and yields once after
   * each burst of changes to `userId`'s notes, until `signal` aborts (then it is done).
   */
  subscribe(userId: string, signal: AbortSignal): AsyncIterableIterator<void> {
    const emitter = this.#emitter;
    let dirty = false;
    let done = signal.aborted;
    let wake: (() => void) | undefined;
    const onChange = () => {
      dirty = true;
      wake?.();
    };
    const stop = () => {
      done = true;
      emitter.off(userId, onChange);
      signal.removeEventListener('abort', stop);
      wake?.();
    };
    if (!done) {
      emitter.on(userId, onChange);
      signal.addEventListener('abort', stop, { once: true });
    }
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        while (!dirty && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (done) return { done: true, value: undefined };
        dirty = false;
        return { done: false, value: undefined };
      },
      async return() {
        stop();
        return { done: true, value: undefined };
      },
    };
  }
}
