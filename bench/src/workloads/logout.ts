// logout: end-to-end logouts per second on one auth app (its real entry point, in its own process,
// on a fresh Postgres database and a private Redis), driven over HTTP from this process. Each round
// logs in fresh sessions (not timed: argon2 is slow on purpose), then logs them all out (timed).
// Where the time goes: CPU per logout of each process (/proc), what the database's backends waited
// on (pg_stat_activity), and the auth app's CPU profile (--cpu-prof) over the logout phases only.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createFreshDatabase, testDatabaseUrl } from '@revoke/db/testing';
import { freePort } from '@revoke/testkit/ports';
import { benchFile, forkTs, stopChild } from '../children.ts';
import { summariseProfile, type Window } from '../cpu-profile.ts';
import { type BenchContext, formatNumber, interleave, type Row } from '../runner.ts';
import { quantile } from '../stats.ts';
import { cpuSeconds, findPid, WaitSampler } from './logout-insight.ts';

const USERS = 8;
const LOGIN_CONCURRENCY = 4;
const LOGOUT_CONCURRENCY = 16;
const PASSWORD = 'correct horse battery staple';
const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);

export async function runLogout(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const perRound = quick ? 120 : 500;
  const database = await createFreshDatabase({ prefix: 'bench_logout' });
  const redisServer = await startPrivateRedis();
  const profileDir = mkdtempSync(join(tmpdir(), 'bench-logout-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = forkTs(benchFile('../../apps/auth/src/index.ts'), {
    cwd: benchFile('../../apps/auth/'),
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir],
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: redisServer.url,
      AUTH_PORT: String(port),
      REVOCATION_PREFIX: testPrefix('bench-logout'),
      LOG_LEVEL: 'warn',
      LOGIN_MAX_PER_IP: '1000000',
      LOGIN_MAX_FAILURES: '10000',
      // The bench logs in and out thousands of times from one address as a few users.
      REGISTER_MAX_PER_IP: '1000000',
      REVOKE_MAX_PER_USER: '1000000',
    },
  });
  const sampler = new WaitSampler(testDatabaseUrl(), database.name);
  const windows: Window[] = [];
  const cpu = { auth: 0, postgres: 0, redis: 0, driver: 0, logouts: 0, wallMs: 0 };
  const latencies: number[] = [];
  try {
    const users = await progress.step('logout: start the auth app, register users', async () => {
      await waitReady(url, () => app.exitCode !== null);
      await sampler.connect();
      const users = Array.from({ length: USERS }, (_, i) => ({
        email: `bench-${i}-${Date.now()}@example.com`,
        password: PASSWORD,
      }));
      for (const user of users) await call(url, 'auth.register', user);
      return users;
    });
    const redisPid = findPid(`redis-server 127.0.0.1:${redisServer.port}`);

    async function round(count: number) {
      const tokens: string[] = [];
      await pool(count, LOGIN_CONCURRENCY, async (i) => {
        const body = await call(url, 'auth.login', users[i % USERS]);
        tokens.push((body as { result: { data: { accessToken: string } } }).result.data.accessToken);
      });
      const backends = [...sampler.backendPids];
      const before = {
        auth: cpuSeconds(app.pid!),
        pg: sum(backends.map(cpuSeconds)),
        redis: cpuSeconds(redisPid ?? 0),
        driver: process.cpuUsage(),
      };
      sampler.start();
      const start = process.hrtime.bigint();
      await pool(tokens.length, LOGOUT_CONCURRENCY, async (i) => {
        const sent = performance.now();
        await call(url, 'auth.logout', undefined, { authorization: `Bearer ${tokens[i]}` });
        latencies.push(performance.now() - sent);
      });
      const end = process.hrtime.bigint();
      await sampler.stop();
      windows.push({ start, end });
      const wallMs = Number(end - start) / 1e6;
      cpu.auth += cpuSeconds(app.pid!) - before.auth;
      cpu.postgres += sum(backends.map(cpuSeconds)) - before.pg;
      cpu.redis += cpuSeconds(redisPid ?? 0) - before.redis;
      const driver = process.cpuUsage(before.driver);
      cpu.driver += (driver.user + driver.system) / 1e6;
      cpu.logouts += tokens.length;
      cpu.wallMs += wallMs;
      return { per_s: tokens.length / (wallMs / 1000) };
    }

    // The warm-up round also finds the backends' pids, for the CPU accounting of measured rounds.
    const rows = await interleave(context, {
      workload: 'logout',
      units: { per_s: '/s' },
      rounds: quick ? 2 : 4,
      variants: [{ name: 'ours', run: (r) => (r < 0 ? round(40).then(resetInsight) : round(perRound)) }],
    });
    await progress.step('logout: stop the auth app, summarise its profile', () => stopChild(app, 10_000));
    context.notes['logout: where the time goes'] = describe();
    return rows;
  } finally {
    await stopChild(app);
    await sampler.close().catch(() => {});
    await redisServer.stop();
    await database.drop();
    rmSync(profileDir, { recursive: true, force: true });
  }

  /** Forgets what the warm-up round recorded, keeping its result for the progress line. */
  function resetInsight<T>(warmup: T): T {
    Object.assign(cpu, { auth: 0, postgres: 0, redis: 0, driver: 0, logouts: 0, wallMs: 0 });
    latencies.length = 0;
    windows.length = 0;
    sampler.counts.clear();
    return warmup;
  }

  function describe(): string[] {
    const perLogout = (seconds: number) => `${formatNumber((seconds / cpu.logouts) * 1e6)} µs`;
    const lines = [
      `${cpu.logouts} logouts at concurrency ${LOGOUT_CONCURRENCY} over ${formatNumber(cpu.wallMs / 1000)} s: ` +
        `${formatNumber((cpu.wallMs * 1000) / cpu.logouts)} µs of wall time each; latency p50 ` +
        `${formatNumber(quantile(latencies, 0.5))} ms, p99 ${formatNumber(quantile(latencies, 0.99))} ms.`,
      `CPU per logout: auth app ${perLogout(cpu.auth)}, its Postgres backends ${perLogout(cpu.postgres)}, ` +
        `Redis ${perLogout(cpu.redis)}, load generator ${perLogout(cpu.driver)} (/proc, 10 ms ticks).`,
      'Postgres backends of the auth database, sampled every ~5 ms during the logout phases:',
      ...sampler
        .shares()
        .slice(0, 8)
        .map(([state, share]) => `  ${pct(share)}  ${state}`),
    ];
    const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) return [...lines, 'No CPU profile was written (the auth app did not exit cleanly).'];
    const profile = summariseProfile(join(profileDir, file), windows);
    return [
      ...lines,
      `Auth app CPU profile (--cpu-prof, ${profile.samples} samples in the logout phases), by package:`,
      ...profile.byPackage.map(([name, share]) => `  ${pct(share)}  ${name}`),
      'Busiest functions (self time, idle excluded):',
      ...profile.byFunction.map(([name, share]) => `  ${pct(share)}  ${name}`),
    ];
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Runs `task(0..count-1)`, `concurrency` at a time. */
async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** POSTs a tRPC mutation; throws unless it answered 200. */
async function call(
  url: string,
  path: string,
  input?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

async function waitReady(url: string, exited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (exited()) throw new Error('the auth app exited before it was ready (its output is above)');
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the auth app at ${url} did not become ready within 30 s`);
}
