// One process of the fleet workload: `fleet` RevocationFeeds on the fleet's prefix and `peer` on the
// peer's, each feed with its own two Redis connections, as that many service instances would have.
//
// Propagation: reports, once per revocation and group, the monotonic clock (shared by every process
// of the machine) at which the LAST feed of that group in this process applied it.
// Herd: builds the fleet's feeds anew with the plan's options (batch, resync jitter) while Redis holds
// next to nothing; after the parent re-seeds and sets a new epoch, watches every fleet feed until it is fresh again under
// that epoch, while a trickle of direct checks (what a guard does for a request on a stale instance)
// runs on whichever fleet feeds are stale; reports when the last one got fresh and how the checks went.
import { type AccessClaims, isAuthError } from '@revoke/auth';
import { RevocationFeed } from '@revoke/auth/internal';
import { quantile } from '../stats.ts';
import type { HerdPlan } from './fleet-herd-plan.ts';

const [redisUrl = '', fleetPrefix = '', peerPrefix = '', fleetCount = '0', peerCount = '0'] =
  process.argv.slice(2);

export type Group = 'fleet' | 'peer';

/** Parent → child. */
export type ToChild =
  | { type: 'herd-arm'; plan: HerdPlan; checkEveryMs: number }
  | { type: 'herd-epoch'; epoch: string }
  | { type: 'herd-abort' };

/** Child → parent. */
export type FromChild =
  | { type: 'ready' }
  | { type: 'applied'; group: Group; id: string; at: number }
  | { type: 'armed' }
  | { type: 'herd-done'; firstAt: number; lastAt: number; checks: DirectChecks };

/** What the trickle of direct checks got while this process's fleet feeds were stale. */
export interface DirectChecks {
  /** Answered (revoked or not) within the budget. */
  answered: number;
  /** REVOCATION_UNAVAILABLE: a guard would answer 503. */
  unavailable: number;
  /** Anything else thrown (should stay 0). */
  other: number;
  /** p99 of the answered checks' latency, ms (NaN when none). */
  p99Ms: number;
}

const send = (message: FromChild) => process.send?.(message);
const now = () => Number(process.hrtime.bigint());

/** The fleet's feeds, shaped by a herd plan (the feed's own options; none: its defaults). */
const fleetFeeds = (plan?: HerdPlan) =>
  Array.from(
    { length: Number(fleetCount) },
    () =>
      new RevocationFeed({
        redisUrl,
        prefix: fleetPrefix,
        ...(plan?.batch !== undefined ? { snapshotBatch: plan.batch } : {}),
        resyncJitterMs: plan?.jitterMs ?? 0,
      }),
  );
const groups: Record<Group, RevocationFeed[]> = {
  fleet: fleetFeeds(),
  peer: Array.from({ length: Number(peerCount) }, () => new RevocationFeed({ redisUrl, prefix: peerPrefix })),
};

// Propagation: count each revocation's applications per group; the last one of the group reports.
for (const group of ['fleet', 'peer'] as const) watchPropagation(group);

function watchPropagation(group: Group): void {
  const seen = new Map<string, number>();
  const size = groups[group].length;
  for (const feed of groups[group]) {
    feed.onApplied((applied) => {
      if (applied.type !== 'entry') return;
      const id = applied.entry.id;
      const count = (seen.get(id) ?? 0) + 1;
      if (count < size) {
        seen.set(id, count);
        return;
      }
      seen.delete(id);
      send({ type: 'applied', group, id, at: now() });
    });
  }
}

/** New fleet feeds with the plan's options, started on what Redis holds now (the parent keeps it small). */
async function reshapeFleet(plan: HerdPlan): Promise<void> {
  await Promise.all(groups.fleet.map((feed) => feed.close()));
  groups.fleet = fleetFeeds(plan);
  await Promise.all(groups.fleet.map((feed) => feed.start()));
}

let herd: { setEpoch: (epoch: string) => void; stop: () => void } | undefined;

function armHerd(checkEveryMs: number): void {
  const fleet = groups.fleet;
  const freshAt: (number | undefined)[] = fleet.map(() => undefined);
  const checks = { answered: 0, unavailable: 0, other: 0 };
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let cursor = 0;
  let epoch: string | undefined;

  // A steady trickle: one direct check per period, on the next stale feed (none while all are fresh).
  const trickle = setInterval(() => {
    for (let k = 0; k < fleet.length; k++) {
      const feed = fleet[(cursor + k) % fleet.length]!;
      if (feed.isFresh()) continue;
      cursor = (cursor + k + 1) % fleet.length;
      const started = now();
      const check: Promise<void> = feed.checkDirect(randomClaims()).then(
        () => {
          checks.answered++;
          latencies.push((now() - started) / 1e6);
        },
        (error: unknown) => {
          if (isAuthError(error) && error.code === 'REVOCATION_UNAVAILABLE') checks.unavailable++;
          else checks.other++;
        },
      );
      inFlight.add(check);
      void check.finally(() => inFlight.delete(check));
      return;
    }
  }, checkEveryMs);

  // Which fleet feeds are fresh again under the new epoch.
  const watch = setInterval(() => {
    if (epoch === undefined) return;
    const at = now();
    for (let i = 0; i < fleet.length; i++) {
      if (freshAt[i] !== undefined) continue;
      const feed = fleet[i]!;
      if (feed.status().epoch === epoch && feed.isFresh()) freshAt[i] = at;
    }
    if (freshAt.every((t) => t !== undefined)) void finish();
  }, 5);

  let finished = false;
  async function finish() {
    if (finished) return;
    finished = true;
    clearInterval(trickle);
    clearInterval(watch);
    await Promise.allSettled([...inFlight]);
    const times = freshAt as number[];
    send({
      type: 'herd-done',
      firstAt: Math.min(...times),
      lastAt: Math.max(...times),
      checks: { ...checks, p99Ms: quantile(latencies, 0.99) },
    });
    herd = undefined;
  }

  herd = {
    setEpoch(value) {
      epoch = value;
    },
    stop() {
      clearInterval(trickle);
      clearInterval(watch);
      herd = undefined;
    },
  };
}

process.on('message', (message: ToChild) => {
  if (message.type === 'herd-arm') {
    herd?.stop();
    void reshapeFleet(message.plan).then(() => {
      armHerd(message.checkEveryMs);
      send({ type: 'armed' });
    });
  } else if (message.type === 'herd-epoch') {
    herd?.setEpoch(message.epoch);
  } else if (message.type === 'herd-abort') {
    herd?.stop();
  }
});

/** Claims of a token nobody revoked: what a direct check of an ordinary request reads. */
function randomClaims(): AccessClaims {
  const id = () => Math.random().toString(36).slice(2);
  const iat = Math.floor(Date.now() / 1000) - 60;
  return { iss: 'bench', aud: 'bench', sub: id(), sid: id(), jti: id(), iat, exp: iat + 900 };
}

await Promise.all([...groups.fleet, ...groups.peer].map((feed) => feed.start()));
send({ type: 'ready' });
process.on('SIGTERM', () => {
  for (const feed of [...groups.fleet, ...groups.peer]) void feed.close();
  process.exit(0);
});
