import { canonicalId } from '@revoke/auth/internal';

/** How many `auth.sessionEvents` streams one session and one user may hold open at once. */
export interface StreamLimits {
  maxPerSession: number;
  maxPerUser: number;
}

/** The owner of a stream: the session and the user of the token it authenticated with. */
export interface StreamOwner {
  sid: string;
  sub: string;
}

/** A taken slot; `release` gives it back (idempotent). */
export interface StreamSlot {
  release(): void;
}

/** Which limit refused a stream. */
export type StreamRefusal = 'session' | 'user';

/**
 * Counts the open sign-out streams of each session and each user, and refuses one past either limit.
 *
 * The count is per auth process: several instances each enforce it on the streams they hold, so a
 * user could hold up to `instances × maxPerUser` in all. That is acceptable: the cap protects each
 * process's memory, sockets and timers from one account, which is the resource at stake; a global
 * count would need a Redis round trip per stream and a lease that outlives crashed processes.
 */
export class StreamSlots {
  readonly #limits: StreamLimits;
  readonly #bySession = new Map<string, number>();
  readonly #byUser = new Map<string, number>();

  constructor(limits: StreamLimits) {
    this.#limits = limits;
  }

  /** Takes a slot for `owner`, or says which limit is reached (and takes nothing). */
  acquire(owner: StreamOwner): StreamSlot | { refused: StreamRefusal } {
    // Canonical ids: an upper-case spelling of the same UUID must not open a second allowance.
    const sid = canonicalId(owner.sid);
    const sub = canonicalId(owner.sub);
    if ((this.#bySession.get(sid) ?? 0) >= this.#limits.maxPerSession) return { refused: 'session' };
    if ((this.#byUser.get(sub) ?? 0) >= this.#limits.maxPerUser) return { refused: 'user' };
    increment(this.#bySession, sid);
    increment(this.#byUser, sub);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        decrement(this.#bySession, sid);
        decrement(this.#byUser, sub);
      },
    };
  }

  /** Open streams of this session. */
  openForSession(sid: string): number {
    return this.#bySession.get(canonicalId(sid)) ?? 0;
  }

  /** Open streams of this user, over all their sessions. */
  openForUser(sub: string): number {
    return this.#byUser.get(canonicalId(sub)) ?? 0;
  }
}

function increment(counts: Map<string, number>, id: string): void {
  counts.set(id, (counts.get(id) ?? 0) + 1);
}

/** Drops the entry at zero, so the maps hold only owners with a stream open. */
function decrement(counts: Map<string, number>, id: string): void {
  const left = (counts.get(id) ?? 0) - 1;
  if (left > 0) counts.set(id, left);
  else counts.delete(id);
}
