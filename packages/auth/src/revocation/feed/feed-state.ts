/*
 * The feed's phases. A gap (lost connection, changed subscriber, unanswered heartbeat) always leads back to
 * `connecting`; only a complete snapshot taken under the current subscription leads to `live`.
 *
 *                      snapshot of the current
 *    connecting --subscribed--> snapshotting --generation complete--> live <--heartbeat proof-- stale
 *        ^                        |   ^    ^                           |  |                       ^
 *        |                        +---+    +------epoch changed--------+  +--no proof for S-------+
 *        |              failed, inconsistent,
 *        |                  no epoch
 *        +---------------------- gap opened (from any phase) ----------------------------------------
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> connecting
 *   connecting --> snapshotting: subscribed (on a Cluster also an echo from every shard)
 *   snapshotting --> snapshotting: snapshot failed, inconsistent, or no epoch
 *   snapshotting --> live: snapshot of the current generation complete
 *   live --> snapshotting: epoch changed (resync event or heartbeat)
 *   live --> stale: no heartbeat proof for staleAfterMs
 *   stale --> live: heartbeat proof
 *   snapshotting --> connecting: gap opened
 *   live --> connecting: gap opened
 *   stale --> connecting: gap opened
 * ```
 *
 * Trusted (absence in the cache means "not revoked") only while `live` and proven within staleAfterMs.
 */

/** Where the feed stands. `stale` is not stored: it is `live` seen at a `now` past the staleness bound. */
export type FeedPhase = 'connecting' | 'snapshotting' | 'live' | 'stale';

/** A snapshot in progress, tied to the subscription generation it was started under. */
export interface SnapshotTicket {
  readonly generation: number;
  readonly startedAt: number;
}

/** What a finished snapshot found (see `loadSnapshot`). */
export interface SnapshotOutcome {
  /** Null when Redis holds no (complete) revocation data: nothing can be trusted until it is re-seeded. */
  epoch: string | null;
  /** False when the epoch changed during the scan. */
  consistent: boolean;
}

/** One heartbeat's answer. */
export interface HeartbeatProof {
  /** When it was sent: everything published before then has been delivered. */
  sentAt: number;
  /** The subscription generation it was sent under. */
  generation: number;
  /** Redis's revocation epoch as the heartbeat read it. */
  epoch: string | null;
  /**
   * True when the proof also shows the subscription itself is live (a cluster's echo on every shard), so a
   * feed still `connecting` may count as subscribed. A PING on a single Redis proves the connection only.
   */
  confirmsSubscription: boolean;
}

/** What the caller should do after a finished snapshot. */
export interface SnapshotVerdict {
  /** Take another snapshot at once (inconsistent scan, or a change asked for one meanwhile). */
  again: boolean;
  /** This snapshot made the feed `live` (listeners should re-check what they hold). */
  completed: boolean;
  /** This snapshot made the feed ready for the first time. */
  firstReady: boolean;
  /** Redis held an epoch before and holds none now: it lost its data. */
  epochLost: boolean;
}

/**
 * The revocation feed's sync state, with no I/O and no clock of its own: every transition takes the
 * event and, where time matters, `now`. The feed orchestrator feeds it what the transports report and
 * asks it what to do next; the rules that keep the cache complete live here alone.
 *
 * Phases:
 * - `connecting`: no subscription is confirmed. Events may be published unseen: the cache is never
 *   trusted, and no snapshot may start (one taken now would not be gap-free).
 * - `snapshotting`: the subscription is confirmed (generation `n`), and a snapshot of generation `n` is
 *   needed or running. Every event from now on arrives, so a complete scan makes the cache complete.
 * - `live`: a snapshot of the current generation completed under the current epoch. Heartbeat proofs
 *   sent under this generation refresh the freshness mark.
 * - `stale`: `live`, but no proof for more than `staleAfterMs`: absence is no longer trusted, and callers
 *   ask Redis directly.
 *
 * The generation is bumped on every gap and every confirmed subscription: a snapshot or a heartbeat that
 * spans a change of subscriber proves nothing, since events may have been lost in between.
 */
export class FeedState {
  readonly staleAfterMs: number;
  #phase: Exclude<FeedPhase, 'stale'> = 'connecting';
  #generation = 0;
  #ready = false;
  #epoch: string | null = null;
  /** When the cache was last proven complete (ms); staleness counts from here. */
  #freshAt = Number.NEGATIVE_INFINITY;
  #snapshotRunning = false;
  /** A change asked for a snapshot while one was running: that one may have missed it. */
  #snapshotAgain = false;

  constructor(staleAfterMs: number) {
    this.staleAfterMs = staleAfterMs;
  }

  /** The phase as of `now` (`live` turns `stale` once its last proof is too old). */
  phase(now: number): FeedPhase {
    if (this.#phase === 'live' && !this.#withinBound(now)) return 'stale';
    return this.#phase;
  }

  get generation(): number {
    return this.#generation;
  }

  /** The first complete snapshot has loaded (it stays true across later gaps). */
  get ready(): boolean {
    return this.#ready;
  }

  /** Subscribed, snapshot loaded since the last gap, epoch confirmed. */
  get synced(): boolean {
    return this.#phase === 'live';
  }

  /** A subscription is confirmed (the feed is not `connecting`). */
  get subscribed(): boolean {
    return this.#phase !== 'connecting';
  }

  get epoch(): string | null {
    return this.#epoch;
  }

  /** Milliseconds since the cache was last proven complete (Infinity before the first snapshot). */
  stalenessMs(now: number): number {
    return now - this.#freshAt;
  }

  /** May absence of an entry in the cache be trusted at `now`? */
  trusted(now: number): boolean {
    return this.#phase === 'live' && this.#withinBound(now);
  }

  /** A snapshot is needed and none is running: the caller should start one. */
  get wantsSnapshot(): boolean {
    return this.#phase === 'snapshotting' && !this.#snapshotRunning;
  }

  /** The subscription (all of it, on every shard) is acknowledged; a snapshot may now start. */
  subscriptionConfirmed(): void {
    this.#generation++;
    this.#phase = 'snapshotting';
  }

  /** The connection dropped or the subscriber changed. Returns true when a confirmed subscription was lost. */
  gapOpened(): boolean {
    const wasSubscribed = this.#phase !== 'connecting';
    this.#generation++;
    this.#phase = 'connecting';
    return wasSubscribed;
  }

  /** Redis announced (by a `resync` event) that it now holds this epoch. */
  epochAnnounced(epoch: string): void {
    this.#epochSeen(epoch);
  }

  /** A ticket for a snapshot starting now, or undefined when none may start (connecting, or one is running). */
  snapshotStarted(now: number): SnapshotTicket | undefined {
    if (this.#phase === 'connecting') return undefined;
    if (this.#snapshotRunning) {
      this.snapshotRequested();
      return undefined;
    }
    this.#snapshotRunning = true;
    this.#snapshotAgain = false;
    return { generation: this.#generation, startedAt: now };
  }

  /** Something prompted a snapshot: one running may have started before it, so it must go again. */
  snapshotRequested(): void {
    if (this.#snapshotRunning) this.#snapshotAgain = true;
  }

  /** A snapshot read the whole index. Only one of the current generation may make the feed `live`. */
  snapshotFinished(ticket: SnapshotTicket, outcome: SnapshotOutcome): SnapshotVerdict {
    this.#snapshotRunning = false;
    const verdict = { again: false, completed: false, firstReady: false, epochLost: false };
    if (!outcome.consistent) {
      verdict.again = this.#phase !== 'connecting';
      return verdict;
    }
    const previous = this.#epoch;
    this.#epoch = outcome.epoch;
    if (outcome.epoch === null) {
      verdict.epochLost = previous !== null;
      // Nothing to trust until it is re-seeded; the heartbeat keeps asking.
      if (this.#phase === 'live') this.#phase = 'snapshotting';
      return verdict;
    }
    // A gap during the scan, even one already healed, may have hidden events from it: only a snapshot
    // started under the current subscription counts.
    if (ticket.generation !== this.#generation || this.#snapshotAgain || this.#phase === 'connecting') {
      this.#snapshotAgain = false;
      verdict.again = this.#phase === 'snapshotting';
      return verdict;
    }
    this.#phase = 'live';
    this.#freshAt = Math.max(this.#freshAt, ticket.startedAt);
    verdict.completed = true;
    verdict.firstReady = !this.#ready;
    this.#ready = true;
    return verdict;
  }

  /** A snapshot failed (timeout, a shard failing over); the heartbeat retries it while one is wanted. */
  snapshotFailed(): void {
    this.#snapshotRunning = false;
    this.#snapshotAgain = false;
  }

  /** A heartbeat came back. Proofs sent under an older generation are ignored. */
  heartbeatProof(proof: HeartbeatProof): void {
    if (proof.generation !== this.#generation) return;
    if (this.#phase === 'connecting') {
      if (proof.confirmsSubscription) this.subscriptionConfirmed();
      return;
    }
    if (proof.epoch === null || proof.epoch !== this.#epoch) {
      this.#epochSeen(proof.epoch);
      return;
    }
    // Everything published before the proof was sent has reached us: complete as of then.
    if (this.#phase === 'live') this.#freshAt = Math.max(this.#freshAt, proof.sentAt);
  }

  /**
   * Redis holds `epoch`. Another than the cache's asks for a snapshot, unless one is running: that one
   * re-reads the epoch when it ends and goes again if it changed, while asking it to go again anyway
   * would keep a snapshot longer than a heartbeat from ever finishing.
   */
  #epochSeen(epoch: string | null): void {
    if (epoch !== null && epoch === this.#epoch) return;
    if (!this.#snapshotRunning) this.#needSnapshot();
    else if (this.#phase === 'live') this.#phase = 'snapshotting';
  }

  #needSnapshot(): void {
    if (this.#phase === 'connecting') return;
    this.#phase = 'snapshotting';
    if (this.#snapshotRunning) this.#snapshotAgain = true;
  }

  #withinBound(now: number): boolean {
    return now - this.#freshAt <= this.staleAfterMs;
  }
}
