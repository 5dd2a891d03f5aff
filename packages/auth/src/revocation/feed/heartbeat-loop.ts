import type { FeedState } from './feed-state.ts';
import type { FeedTransport } from './transport.ts';

/** A heartbeat awaiting its answer. */
interface PendingBeat {
  sentAt: number;
  generation: number;
}

/** What the feed does on the loop's outcomes. */
export interface HeartbeatHooks {
  /** A beat went unanswered for two periods. */
  lost(): void;
  /** A beat's proof was given to the state (which may now want a snapshot). */
  proven(): void;
}

/**
 * Sends one heartbeat at a time through the transport and turns its answer into a proof for the state.
 * A beat unanswered for two periods is lost: the subscription can no longer be vouched for.
 */
export class HeartbeatLoop {
  readonly #transport: FeedTransport;
  readonly #state: FeedState;
  readonly #periodMs: number;
  readonly #hooks: HeartbeatHooks;
  #pending: PendingBeat | undefined;

  constructor(transport: FeedTransport, state: FeedState, periodMs: number, hooks: HeartbeatHooks) {
    this.#transport = transport;
    this.#state = state;
    this.#periodMs = periodMs;
    this.#hooks = hooks;
  }

  /** One period passed: time out the pending beat, or send the next one. */
  beat(now: number): void {
    const pending = this.#pending;
    if (pending) {
      if (now - pending.sentAt <= 2 * this.#periodMs) return;
      this.#pending = undefined;
      this.#transport.heartbeatLost();
      this.#hooks.lost();
      return;
    }
    // A PING proves a connection, so it is worth sending once subscribed; an echo round proves the subscription.
    const transport = this.#transport;
    if (!transport.canHeartbeat()) return;
    if (!transport.heartbeatConfirmsSubscription && !this.#state.subscribed) return;
    const beat = { sentAt: now, generation: this.#state.generation };
    this.#pending = beat;
    transport.heartbeat().then(
      (epoch) => {
        if (this.#pending !== beat) return;
        this.#pending = undefined;
        this.#state.heartbeatProof({
          ...beat,
          epoch,
          confirmsSubscription: transport.heartbeatConfirmsSubscription,
        });
        this.#hooks.proven();
      },
      () => {
        if (this.#pending === beat) this.#pending = undefined;
      },
    );
  }

  /** Forgets the pending beat (its connection is gone). */
  reset(): void {
    this.#pending = undefined;
  }
}
