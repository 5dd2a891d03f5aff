import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FeedState, type SnapshotTicket } from './feed-state.ts';

const S = 3000;
const complete = { epoch: 'e1', consistent: true };

/** A state that went through subscribe and a complete snapshot at `at`. */
function liveAt(at: number): FeedState {
  const state = new FeedState(S);
  state.subscriptionConfirmed();
  state.snapshotFinished(state.snapshotStarted(at)!, complete);
  return state;
}

describe('FeedState transitions', () => {
  it('starts connecting: not trusted, not ready, no snapshot may start', () => {
    const state = new FeedState(S);
    expect(state.phase(0)).toBe('connecting');
    expect(state.trusted(0)).toBe(false);
    expect(state.ready).toBe(false);
    expect(state.wantsSnapshot).toBe(false);
    expect(state.snapshotStarted(0)).toBeUndefined();
  });

  it('subscribed, then a complete snapshot: live, ready, synced and trusted from the snapshot start', () => {
    const state = new FeedState(S);
    state.subscriptionConfirmed();
    expect(state.phase(0)).toBe('snapshotting');
    expect(state.wantsSnapshot).toBe(true);
    const verdict = state.snapshotFinished(state.snapshotStarted(100)!, complete);
    expect(verdict).toEqual({ again: false, completed: true, firstReady: true, epochLost: false });
    expect(state.phase(200)).toBe('live');
    expect(state.ready && state.synced).toBe(true);
    expect(state.trusted(100 + S)).toBe(true);
    expect(state.stalenessMs(500)).toBe(400);
  });

  it('turns stale past staleAfterMs without a proof, and a proof of the same generation refreshes it', () => {
    const state = liveAt(0);
    expect(state.phase(S + 1)).toBe('stale');
    expect(state.trusted(S + 1)).toBe(false);
    state.heartbeatProof({
      sentAt: 2000,
      generation: state.generation,
      epoch: 'e1',
      confirmsSubscription: false,
    });
    expect(state.phase(S + 1)).toBe('live');
    expect(state.trusted(2000 + S)).toBe(true);
  });

  it('a gap withdraws trust at once, keeps ready, and ignores proofs sent before it', () => {
    const state = liveAt(0);
    const before = state.generation;
    expect(state.gapOpened()).toBe(true);
    expect(state.gapOpened()).toBe(false);
    expect(state.phase(10)).toBe('connecting');
    expect(state.trusted(10)).toBe(false);
    expect(state.ready).toBe(true);
    state.heartbeatProof({ sentAt: 5, generation: before, epoch: 'e1', confirmsSubscription: true });
    expect(state.phase(10)).toBe('connecting');
  });

  it('a snapshot that spanned a gap does not make the feed live, even after the resubscription', () => {
    const state = new FeedState(S);
    state.subscriptionConfirmed();
    const ticket = state.snapshotStarted(0)!;
    state.gapOpened();
    state.subscriptionConfirmed();
    const verdict = state.snapshotFinished(ticket, complete);
    expect(verdict.completed).toBe(false);
    expect(verdict.again).toBe(true);
    expect(state.trusted(1)).toBe(false);
    expect(state.ready).toBe(false);
  });

  it('an echo proof (cluster) confirms the subscription; a PING proof (single Redis) does not', () => {
    const single = new FeedState(S);
    single.gapOpened();
    single.heartbeatProof({
      sentAt: 0,
      generation: single.generation,
      epoch: 'e1',
      confirmsSubscription: false,
    });
    expect(single.phase(0)).toBe('connecting');
    const cluster = new FeedState(S);
    cluster.gapOpened();
    cluster.heartbeatProof({
      sentAt: 0,
      generation: cluster.generation,
      epoch: 'e1',
      confirmsSubscription: true,
    });
    expect(cluster.phase(0)).toBe('snapshotting');
    expect(cluster.wantsSnapshot).toBe(true);
  });

  it('an epoch change (event or heartbeat) asks for a new snapshot and withdraws trust until it completes', () => {
    const state = liveAt(0);
    state.epochAnnounced('e1');
    expect(state.phase(1)).toBe('live');
    state.epochAnnounced('e2');
    expect(state.phase(1)).toBe('snapshotting');
    expect(state.trusted(1)).toBe(false);
    state.snapshotFinished(state.snapshotStarted(2)!, { epoch: 'e2', consistent: true });
    state.heartbeatProof({
      sentAt: 3,
      generation: state.generation,
      epoch: null,
      confirmsSubscription: false,
    });
    expect(state.wantsSnapshot).toBe(true);
  });

  it('a snapshot finding no epoch leaves the feed waiting (retried by the heartbeat) and reports a loss', () => {
    const state = liveAt(0);
    state.epochAnnounced('e2');
    const verdict = state.snapshotFinished(state.snapshotStarted(1)!, { epoch: null, consistent: true });
    expect(verdict).toEqual({ again: false, completed: false, firstReady: false, epochLost: true });
    expect(state.epoch).toBeNull();
    expect(state.wantsSnapshot).toBe(true);
  });

  it('an inconsistent scan goes again; a failed one waits for the next retry', () => {
    const state = new FeedState(S);
    state.subscriptionConfirmed();
    expect(state.snapshotFinished(state.snapshotStarted(0)!, { epoch: 'e1', consistent: false }).again).toBe(
      true,
    );
    state.snapshotStarted(1);
    expect(state.wantsSnapshot).toBe(false);
    state.snapshotFailed();
    expect(state.wantsSnapshot).toBe(true);
  });

  it('heartbeats and resync events during a long snapshot do not make it go again (it checks the epoch itself)', () => {
    const state = new FeedState(S);
    state.subscriptionConfirmed();
    const ticket = state.snapshotStarted(0)!;
    state.heartbeatProof({
      sentAt: 1,
      generation: state.generation,
      epoch: 'e1',
      confirmsSubscription: false,
    });
    state.epochAnnounced('e1');
    expect(state.snapshotFinished(ticket, complete)).toMatchObject({ again: false, completed: true });
  });

  it('an epoch change seen while a snapshot runs in a live feed withdraws trust at once', () => {
    const state = liveAt(0);
    const ticket = state.snapshotStarted(1)!;
    state.epochAnnounced('e2');
    expect(state.trusted(2)).toBe(false);
    // The scan read e1 then e2: inconsistent, so it goes again.
    expect(state.snapshotFinished(ticket, { epoch: 'e1', consistent: false }).again).toBe(true);
  });

  it('a request during a running snapshot makes that one go again instead of completing', () => {
    const state = new FeedState(S);
    state.subscriptionConfirmed();
    const ticket = state.snapshotStarted(0)!;
    expect(state.snapshotStarted(1)).toBeUndefined();
    expect(state.snapshotFinished(ticket, complete)).toMatchObject({ again: true, completed: false });
    expect(state.snapshotFinished(state.snapshotStarted(2)!, complete).completed).toBe(true);
  });
});

type Event =
  | { kind: 'gap' }
  | { kind: 'subscribed' }
  | { kind: 'start' }
  | { kind: 'finish'; pick: number; epoch: string | null; consistent: boolean }
  | { kind: 'fail' }
  | { kind: 'requested' }
  | { kind: 'proof'; age: number; epoch: string | null; confirms: boolean; stale: boolean }
  | { kind: 'announce'; epoch: string }
  | { kind: 'wait'; ms: number };

const epochArb = fc.constantFrom('e1', 'e2', null);
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.constant({ kind: 'gap' as const }),
  fc.constant({ kind: 'subscribed' as const }),
  fc.constant({ kind: 'start' as const }),
  fc.record({
    kind: fc.constant('finish' as const),
    pick: fc.nat(),
    epoch: epochArb,
    consistent: fc.boolean(),
  }),
  fc.constant({ kind: 'fail' as const }),
  fc.constant({ kind: 'requested' as const }),
  fc.record({
    kind: fc.constant('proof' as const),
    age: fc.nat(2 * S),
    epoch: epochArb,
    confirms: fc.boolean(),
    stale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('announce' as const), epoch: fc.constantFrom('e1', 'e2') }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.nat(2 * S) }),
);

/** A ticket with what the model knows about it: whether a gap happened since it was taken. */
interface ModelTicket {
  ticket: SnapshotTicket;
  gapsAtStart: number;
}

describe('FeedState model (random event sequences)', () => {
  it('is never trusted while a gap is open, never ready before a complete snapshot, never past S', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), (events) => {
        const state = new FeedState(S);
        let now = 0;
        let gaps = 0;
        // Model: the gap count at the last subscription, and whether a snapshot of that subscription,
        // started after it and with no gap since, has completed.
        let gapOpen = true;
        let completedSnapshots = 0;
        let lastProofOrSnapshot = Number.NEGATIVE_INFINITY;
        const tickets: ModelTicket[] = [];
        for (const event of events) {
          now += 1;
          switch (event.kind) {
            case 'gap':
              state.gapOpened();
              gaps++;
              gapOpen = true;
              break;
            case 'subscribed':
              state.subscriptionConfirmed();
              break;
            case 'start': {
              const ticket = state.snapshotStarted(now);
              if (ticket) tickets.push({ ticket, gapsAtStart: gaps });
              break;
            }
            case 'finish': {
              const taken = tickets.splice(event.pick % Math.max(1, tickets.length), 1)[0];
              if (!taken) break;
              const verdict = state.snapshotFinished(taken.ticket, event);
              if (verdict.completed) {
                // A completion must come from a complete scan started with no gap since.
                expect(event.consistent && event.epoch !== null).toBe(true);
                expect(taken.gapsAtStart).toBe(gaps);
                completedSnapshots++;
                gapOpen = false;
                lastProofOrSnapshot = Math.max(lastProofOrSnapshot, taken.ticket.startedAt);
              }
              break;
            }
            case 'fail':
              state.snapshotFailed();
              tickets.length = 0;
              break;
            case 'requested':
              state.snapshotRequested();
              break;
            case 'proof': {
              const sentAt = now - event.age;
              const generation = event.stale ? state.generation - 1 : state.generation;
              const proof = { sentAt, generation, epoch: event.epoch, confirmsSubscription: event.confirms };
              const wasTrusted = state.synced;
              state.heartbeatProof(proof);
              if (wasTrusted && state.synced && !event.stale) {
                lastProofOrSnapshot = Math.max(lastProofOrSnapshot, sentAt);
              }
              break;
            }
            case 'announce':
              state.epochAnnounced(event.epoch);
              break;
            case 'wait':
              now += event.ms;
              break;
          }
          if (state.trusted(now)) {
            expect(gapOpen).toBe(false);
            expect(now - lastProofOrSnapshot).toBeLessThanOrEqual(S);
          }
          if (state.ready) expect(completedSnapshots).toBeGreaterThan(0);
          if (state.phase(now) === 'live') expect(state.trusted(now)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
