// fleet: 256 RevocationFeed instances (4 processes × 64, each feed with its own two connections) on
// one Redis, beside 8 (2 in each of the same processes, on a prefix of their own: the peer).
//
// Propagation (workload `fleet`): `writer.revokeToken` until the LAST instance of the group has
// applied it, one revocation at a time; `ours-256` and `ours-8` alternate rounds. Redis CPU per
// revocation: `INFO cpu` (used_cpu_sys + used_cpu_user) over the round, minus the background (every
// feed's heartbeat) measured over the second before it, divided by the revocations.
//
// Herd (workload `fleet-herd`): with N entries seeded, `writer.seed` of them all again and
// `writer.setEpoch()`, which makes every fleet feed take a full snapshot at once; timed until the last
// of the 256 is fresh again under the new epoch. Meanwhile each process runs a trickle of direct
// checks (`feed.checkDirect`, 250 ms budget) on its stale feeds, as a guard would for each request:
// the share that throws REVOCATION_UNAVAILABLE would have been answered 503. Variants are the feed's
// own options for this (`snapshotBatch`, `resyncJitterMs`; see fleet-herd-plan.ts).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, type RevocationEntry } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { benchFile, forkTs, isMessage, nextMessage, stopChild } from '../children.ts';
import { type BenchContext, interleave, type Measurement, type Row } from '../runner.ts';
import { quantile } from '../stats.ts';
import type { FromChild, Group, ToChild } from './fleet-child.ts';
import { type HerdPlan, planName } from './fleet-herd-plan.ts';
import { FLEET_PER_PROCESS, FLEET_SIZE, PEER_PER_PROCESS, PEER_SIZE, PROCESSES } from './fleet-size.ts';

/** Each process's trickle of direct checks while it has stale feeds: one per this many ms. */
const CHECK_EVERY_MS = 20;
/** Revocations per `writeAll` pipeline in the burst part of a propagation round. */
const BURST = 25;
/**
 * The herd's shapes: the feed's batch before this workload (5000), its default now (1000), and the
 * default with `resyncJitterMs` 15 s (about the herd's length here). `BENCH_FLEET_HERD` replaces them:
 * comma-separated `jitterMs[:batch]`, e.g. `0:5000,0,15000`.
 */
const HERD_PLANS: HerdPlan[] = parsePlans(process.env.BENCH_FLEET_HERD ?? '0:5000,0,15000');

type Applied = Extract<FromChild, { type: 'applied' }>;
type HerdDone = Extract<FromChild, { type: 'herd-done' }>;

export async function runFleet(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const redisUrl = process.env.BENCH_FLEET_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const entries = quick ? 10_000 : 30_000;
  const perRound = quick ? 60 : 250;
  const redis = new Redis(redisUrl);
  const prefixes: Record<Group, string> = {
    fleet: testPrefix('bench-fleet'),
    peer: testPrefix('bench-fleet-peer'),
  };
  const writers = {
    fleet: createRevocationWriter({ redis, prefix: prefixes.fleet }),
    peer: createRevocationWriter({ redis, prefix: prefixes.peer }),
  };
  const children: ChildProcess[] = [];
  let pending: { group: Group; id: string; at: number[]; done: () => void } | undefined;
  const clientsBefore = await connectedClients(redis);
  try {
    await progress.step(
      `fleet: start ${PROCESSES} processes × (${FLEET_PER_PROCESS} + ${PEER_PER_PROCESS}) feeds on ${redisUrl}`,
      async () => {
        await Promise.all([writers.fleet.setEpoch(), writers.peer.setEpoch()]);
        for (let i = 0; i < PROCESSES; i++) {
          const child = forkTs(benchFile('./workloads/fleet-child.ts'), {
            args: [
              redisUrl,
              prefixes.fleet,
              prefixes.peer,
              String(FLEET_PER_PROCESS),
              String(PEER_PER_PROCESS),
            ],
          });
          children.push(child);
          child.on('message', (message) => {
            if (!isMessage<Applied>('applied')(message)) return;
            if (message.group !== pending?.group || message.id !== pending.id) return;
            pending.at.push(message.at);
            if (pending.at.length === PROCESSES) pending.done();
          });
        }
        await Promise.all(children.map((child) => nextMessage(child, isMessage('ready'), 120_000)));
      },
    );
    const clientsDuring = await connectedClients(redis);
    context.notes['fleet: Redis clients'] = [
      `${redisUrl}: ${clientsBefore} connected clients before the fleet started, ${clientsDuring} with it ` +
        `(${PROCESSES} processes × ${FLEET_PER_PROCESS + PEER_PER_PROCESS} feeds × 2 connections = ` +
        `${PROCESSES * (FLEET_PER_PROCESS + PEER_PER_PROCESS) * 2}, plus the writer's).`,
    ];

    /**
     * Revokes `count` tokens for `group` (one `revokeToken`, or one `writeAll` pipeline for more) and
     * resolves once every instance of the group applied the last of them (pub/sub keeps a channel's
     * order): the delays (ms) until the last instance had it, and until the first process had it in
     * all of its instances of the group.
     */
    async function hop(group: Group, count = 1): Promise<{ first: number; last: number }> {
      const exp = Math.floor(Date.now() / 1000) + 900;
      const jtis = Array.from({ length: count }, () => randomBytes(16).toString('base64url'));
      const jti = jtis.at(-1)!;
      const arrived = new Promise<number[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fleet: revocation ${jti} not applied by every ${group} feed within 10 s`)),
          10_000,
        );
        pending = {
          group,
          id: jti,
          at: [],
          done: () => {
            clearTimeout(timer);
            resolve(pending!.at);
          },
        };
      });
      const sentAt = Number(process.hrtime.bigint());
      if (count === 1) await writers[group].revokeToken({ jti, exp });
      else await writers[group].writeAll(jtis.map((id) => ({ kind: 'jti', id, exp })));
      const at = await arrived;
      pending = undefined;
      return { last: (Math.max(...at) - sentAt) / 1e6, first: (Math.min(...at) - sentAt) / 1e6 };
    }

    async function propagate(group: Group, count: number): Promise<Measurement> {
      // The background (heartbeats of all 264 feeds, anything else on this Redis) over the second before.
      const idleStart = await redisCpu(redis);
      await sleep(1000);
      const idleEnd = await redisCpu(redis);
      const idleRate = (idleEnd.cpu - idleStart.cpu) / (idleEnd.at - idleStart.at);
      const netSince = (start: { cpu: number; at: number }, end: { cpu: number; at: number }) =>
        Math.max(0, end.cpu - start.cpu - idleRate * (end.at - start.at));
      const delays: number[] = [];
      const firsts: number[] = [];
      for (let i = 0; i < count; i++) {
        const { first, last } = await hop(group);
        delays.push(last);
        firsts.push(first);
        // A short gap, so that hops do not queue behind each other.
        await sleep(1);
      }
      const singles = await redisCpu(redis);
      // The same number again in bursts (one writeAll pipeline each): Redis then writes each
      // subscriber once per burst, not once per revocation, as under a high logout rate.
      for (let sent = 0; sent < count; sent += BURST) await hop(group, Math.min(BURST, count - sent));
      const bursts = await redisCpu(redis);
      return {
        p50_ms: quantile(delays, 0.5),
        p99_ms: quantile(delays, 0.99),
        first_process_p50_ms: quantile(firsts, 0.5),
        redis_us_per_rev: (netSince(idleEnd, singles) * 1e6) / count,
        redis_us_per_rev_burst: (netSince(singles, bursts) * 1e6) / count,
      };
    }

    const propagationRows = await interleave(context, {
      workload: 'fleet',
      units: {
        p50_ms: 'ms',
        p99_ms: 'ms',
        first_process_p50_ms: 'ms',
        redis_us_per_rev: 'µs',
        redis_us_per_rev_burst: 'µs',
      },
      rounds: quick ? 3 : 5,
      variants: (['fleet', 'peer'] as const).map((group) => ({
        name: group === 'fleet' ? `ours-${FLEET_SIZE}` : `ours-${PEER_SIZE}`,
        run: (round) => propagate(group, round < 0 ? 20 : perRound),
      })),
    });

    const live = liveEntries(entries);
    /** Re-seeds every entry and sets a new epoch: every fleet feed takes a full snapshot at once. */
    async function herd(plan: HerdPlan): Promise<Measurement> {
      // The feeds are built anew with the plan's options on an empty index, then the re-seed fills it.
      await removeKeys(redis, [prefixes.fleet]);
      await writers.fleet.setEpoch();
      const armed = children.map((child) => nextMessage(child, isMessage('armed'), 120_000));
      for (const child of children) tell(child, { type: 'herd-arm', plan, checkEveryMs: CHECK_EVERY_MS });
      await Promise.all(armed);
      await writers.fleet.seed(live);
      const done = children.map((child) => nextMessage<HerdDone>(child, isMessage('herd-done'), 600_000));
      const cpuStart = await redisCpu(redis);
      const started = Number(process.hrtime.bigint());
      const epoch = await writers.fleet.setEpoch();
      for (const child of children) tell(child, { type: 'herd-epoch', epoch });
      const reports = await Promise.all(done);
      const cpuEnd = await redisCpu(redis);
      const sum = (pick: (r: HerdDone) => number) => reports.reduce((total, r) => total + pick(r), 0);
      const answered = sum((r) => r.checks.answered);
      const unavailable = sum((r) => r.checks.unavailable);
      const other = sum((r) => r.checks.other);
      if (other > 0)
        throw new Error(
          `fleet: ${other} direct checks failed with something else than REVOCATION_UNAVAILABLE`,
        );
      const checks = answered + unavailable;
      return {
        herd_ms: (Math.max(...reports.map((r) => r.lastAt)) - started) / 1e6,
        first_fresh_ms: (Math.min(...reports.map((r) => r.firstAt)) - started) / 1e6,
        direct_checks: checks,
        unavailable_pct: checks === 0 ? 0 : (100 * unavailable) / checks,
        direct_p99_ms: Math.max(...reports.map((r) => r.checks.p99Ms).filter(Number.isFinite)),
        redis_cpu_s: cpuEnd.cpu - cpuStart.cpu,
      };
    }

    await progress.step(
      `fleet-herd: seed ${entries.toLocaleString('en')} entries, first load into ${FLEET_SIZE} feeds (unmeasured)`,
      () => herd({ jitterMs: 0 }),
      (m) => `${Math.round(m.herd_ms!)} ms until all fresh`,
    );
    const herdRows = await interleave(context, {
      workload: 'fleet-herd',
      entries,
      units: {
        herd_ms: 'ms',
        first_fresh_ms: 'ms',
        unavailable_pct: '%',
        direct_checks: 'checks',
        direct_p99_ms: 'ms',
        redis_cpu_s: 's',
      },
      rounds: quick ? 1 : 2,
      warmup: 0,
      variants: HERD_PLANS.map((plan) => ({ name: planName(plan), run: () => herd(plan) })),
    });
    context.notes['fleet-herd: how'] = [
      `${FLEET_SIZE} feeds (${PROCESSES} processes × ${FLEET_PER_PROCESS}) each load ${entries.toLocaleString('en')} entries after writer.seed + writer.setEpoch().`,
      `herd_ms: setEpoch → the last feed fresh again under the new epoch; first_fresh_ms: → the first.`,
      `direct checks: each process, every ${CHECK_EVERY_MS} ms, feed.checkDirect (250 ms budget) on its next stale feed;`,
      'unavailable_pct: share that threw REVOCATION_UNAVAILABLE (a guard answers 503); direct_p99_ms: of those answered.',
      'Variants are feed options: jitter-Xs = resyncJitterMs X (each feed reloads after a random delay in [0, X), untrusted',
      'meanwhile); batch-N = snapshotBatch N (ZSCAN COUNT; the default is 1000).',
    ];
    return [...propagationRows, ...herdRows];
  } finally {
    for (const child of children) if (child.connected) tell(child, { type: 'herd-abort' });
    await Promise.all(children.map((child) => stopChild(child)));
    await removeKeys(redis, Object.values(prefixes));
    redis.disconnect();
  }
}

function tell(child: ChildProcess, message: ToChild): void {
  child.send(message);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Redis's CPU time so far (used_cpu_sys + used_cpu_user, s), and when it was read (ms). */
async function redisCpu(redis: Redis): Promise<{ cpu: number; at: number }> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1]);
  return { cpu: field('used_cpu_sys') + field('used_cpu_user'), at: Date.now() };
}

async function connectedClients(redis: Redis): Promise<number> {
  return Number(/^connected_clients:(\d+)/m.exec(await redis.info('clients'))?.[1]);
}

/** Unlinks every key under these prefixes: the shared Redis keeps nothing of the run. */
async function removeKeys(redis: Redis, prefixes: string[]): Promise<void> {
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
}

/** Live revoked tokens with realistic ids, expiring in an hour or more (they outlive the run). */
function liveEntries(count: number): RevocationEntry[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => ({
    kind: 'jti' as const,
    id: randomBytes(16).toString('base64url'),
    exp: now + 3600 + (i % 900),
  }));
}

function parsePlans(list: string): HerdPlan[] {
  return list.split(',').map((item) => {
    const [jitter = '0', batch] = item.trim().split(':');
    return { jitterMs: Number(jitter), ...(batch ? { batch: Number(batch) } : {}) };
  });
}
