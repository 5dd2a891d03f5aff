// logout: end-to-end logouts on one auth app (its real entry point, in its own process, on a fresh
// Postgres database and a private Redis), beside its floor: a bare node:http server doing only the
// durable work (one commit of one row, one EVALSHA that sets, indexes and publishes) on a database of
// its own and the same Redis. Both are driven over HTTP from this process by the same load generator.
// Each round makes its credentials (untimed: our logins are slow on purpose, argon2), then
//   - logs out as fast as it goes at concurrency 16 (timed: `per_s`), then
//   - logs out at a fixed 200/s, open loop (`p50_ms_at_200`, `p99_ms_at_200`: the goal's latency).
// Where the time goes (concurrency-16 phases only): CPU per logout of each process (/proc), what the
// databases' backends waited on (pg_stat_activity), and the auth app's CPU profile (--cpu-prof).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createFreshDatabase, testDatabaseUrl } from '@revoke/db/testing';
import { summariseProfile, type Window } from '../cpu-profile.ts';
import { type BenchContext, formatNumber, interleave, type Measurement, type Row } from '../runner.ts';
import { quantile } from '../stats.ts';
import { startFloor } from './logout-floor.ts';
import { CpuLedger, findPid, WaitSampler } from './logout-insight.ts';
import { atConcurrency, atFixedRate, type LogoutTarget } from './logout-load.ts';
import { startOurs } from './logout-ours.ts';

const CONCURRENCY = 16;
/** The rate of the latency goal (goals.ts: p99 ≤ 25 ms at 200 logouts/s), named in its metrics. */
const FIXED_RATE = 200;
const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);

/** One target with what its timed phases recorded. */
interface Measured {
  name: 'ours' | 'floor';
  target: LogoutTarget;
  sampler: WaitSampler;
  ledger: CpuLedger;
  /** Latencies at concurrency 16, and at the fixed rate, over the measured rounds. */
  latencies: { closed: number[]; paced: number[] };
  /** The concurrency-16 phases, for the CPU profile. */
  windows: Window[];
}

export async function runLogout(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const closedPerRound = quick ? 120 : 500;
  const pacedPerRound = FIXED_RATE * (quick ? 1.5 : 3);
  const databases = {
    ours: await createFreshDatabase({ prefix: 'bench_logout' }),
    floor: await createFreshDatabase({ prefix: 'bench_logout_floor' }),
  };
  const redisServer = await startPrivateRedis();
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-logout-'));
  const measured: Measured[] = [];
  try {
    const ours = await progress.step('logout: start the auth app and the floor, register users', async () => {
      const redisPid = findPid(`redis-server 127.0.0.1:${redisServer.port}`);
      const ours = await startOurs({
        databaseUrl: databases.ours.url,
        databaseName: databases.ours.name,
        redisUrl: redisServer.url,
        prefix: testPrefix('bench-logout'),
        profileDir,
      });
      measured.push(await measure('ours', ours, redisPid));
      const floor = await startFloor({
        databaseUrl: databases.floor.url,
        databaseName: databases.floor.name,
        redisUrl: redisServer.url,
        prefix: testPrefix('bench-logout-floor'),
      });
      measured.push(await measure('floor', floor, redisPid));
      return ours;
    });

    const rows = await interleave(context, {
      workload: 'logout',
      units: { per_s: '/s', p50_ms_at_200: 'ms', p99_ms_at_200: 'ms' },
      rounds: quick ? 2 : 4,
      variants: measured.map((m) => ({
        name: m.name,
        run: (r) =>
          r < 0
            ? round(m, 40, 40).then((result) => forget(m, result))
            : round(m, closedPerRound, pacedPerRound),
      })),
    });
    await progress.step('logout: stop the auth app, summarise its profile', () => ours.stop());
    context.notes['logout: where the time goes'] = describe(ours.profile());
    return rows;
  } finally {
    for (const m of measured) {
      await m.target.stop();
      await m.sampler.close().catch(() => {});
    }
    await redisServer.stop();
    await databases.ours.drop();
    await databases.floor.drop();
    rmSync(profileDir, { recursive: true, force: true });
  }

  function describe(profileFile: string | undefined): string[] {
    const lines = measured.flatMap((m) => describeTarget(m));
    const [ours, floor] = measured.map((m) => m.ledger.perLogoutMicros());
    const beyond = (key: 'server' | 'postgres' | 'redis') => {
      const micros = ours![key] - floor![key];
      return `${micros < 0 ? '−' : '+'}${formatNumber(Math.abs(micros))} µs`;
    };
    lines.push(
      `Beyond the floor, CPU per logout: server ${beyond('server')}, Postgres ${beyond('postgres')}, Redis ${beyond('redis')}.`,
    );
    if (!profileFile) return [...lines, 'No CPU profile was written (the auth app did not exit cleanly).'];
    const profile = summariseProfile(profileFile, measured.find((m) => m.name === 'ours')!.windows);
    return [
      ...lines,
      `Auth app CPU profile (--cpu-prof, ${profile.samples} samples in the concurrency-${CONCURRENCY} phases), by package:`,
      ...profile.byPackage.map(([name, share]) => `  ${pct(share)}  ${name}`),
      "Busy time by the package nearest on the stack (node's built-ins and native code charged to their caller):",
      ...profile.byCaller.map(([name, share]) => `  ${pct(share)}  ${name}`),
      'Busiest functions (self time, idle excluded):',
      ...profile.byFunction.map(([name, share]) => `  ${pct(share)}  ${name}`),
    ];
  }
}

/** A target with its database's sampler connected and its CPU ledger open. */
async function measure(
  name: Measured['name'],
  target: LogoutTarget,
  redisPid: number | undefined,
): Promise<Measured> {
  const sampler = new WaitSampler(testDatabaseUrl(), target.database);
  await sampler.connect().catch(async (error: unknown) => {
    await target.stop();
    throw error;
  });
  const ledger = new CpuLedger(target.pid, sampler, redisPid);
  return { name, target, sampler, ledger, latencies: { closed: [], paced: [] }, windows: [] };
}

/** One round of one target: `closed` logouts at concurrency 16 (charged), then `paced` at the fixed rate. */
async function round(m: Measured, closed: number, paced: number): Promise<Measurement> {
  const tokens = await m.target.tokens(closed + paced);
  const { result: closedLatencies, window } = await m.ledger.charge(closed, () =>
    atConcurrency(closed, CONCURRENCY, (i) => m.target.logout(tokens[i]!)),
  );
  const pacedLatencies = await atFixedRate(paced, FIXED_RATE, (i) => m.target.logout(tokens[closed + i]!));
  m.windows.push(window);
  m.latencies.closed.push(...closedLatencies);
  m.latencies.paced.push(...pacedLatencies);
  return {
    per_s: closed / (Number(window.end - window.start) / 1e9),
    p50_ms_at_200: quantile(pacedLatencies, 0.5),
    p99_ms_at_200: quantile(pacedLatencies, 0.99),
  };
}

/** Forgets what the warm-up round recorded, keeping its result for the progress line. */
function forget<T>(m: Measured, warmup: T): T {
  m.ledger.reset();
  m.sampler.counts.clear();
  m.latencies.closed.length = 0;
  m.latencies.paced.length = 0;
  m.windows.length = 0;
  return warmup;
}

function describeTarget(m: Measured): string[] {
  const { logouts, wallMs } = m.ledger.totals;
  const cpu = m.ledger.perLogoutMicros();
  const ms = (values: number[], q: number) => `${formatNumber(quantile(values, q))} ms`;
  const server = m.name === 'ours' ? 'auth app' : 'floor server';
  return [
    `${m.name}: ${logouts} logouts at concurrency ${CONCURRENCY} over ${formatNumber(wallMs / 1000)} s, ` +
      `${formatNumber((wallMs * 1000) / logouts)} µs of wall time each; latency p50 ${ms(m.latencies.closed, 0.5)}, ` +
      `p99 ${ms(m.latencies.closed, 0.99)}. At ${FIXED_RATE}/s (${m.latencies.paced.length} logouts): ` +
      `p50 ${ms(m.latencies.paced, 0.5)}, p99 ${ms(m.latencies.paced, 0.99)}.`,
    `${m.name}: CPU per logout: ${server} ${formatNumber(cpu.server)} µs, its Postgres backends ${formatNumber(cpu.postgres)} µs, ` +
      `Redis ${formatNumber(cpu.redis)} µs, load generator ${formatNumber(cpu.driver)} µs (/proc, 10 ms ticks).`,
    `${m.name}: Postgres backends of its database, sampled every ~5 ms during those phases:`,
    ...m.sampler
      .shares()
      .slice(0, m.name === 'ours' ? 8 : 4)
      .map(([state, share]) => `  ${pct(share)}  ${state}`),
  ];
}
