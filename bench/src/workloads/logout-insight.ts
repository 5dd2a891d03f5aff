// Where a logout's time goes, seen from outside the server (our auth app or the floor): CPU spent
// per logout by each process involved (/proc), and what the backends of the server's database were
// waiting on (pg_stat_activity sampled).
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { Window } from '../cpu-profile.ts';

/** Linux clock ticks per second (USER_HZ), which /proc/<pid>/stat counts in. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) are space separated; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The pid of the process whose command line contains `needle` (e.g. a redis-server's port). */
export function findPid(needle: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(needle))
        return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/**
 * Samples, every few ms, what the backends connected to one database are doing: running, waiting
 * for the client, for a lock, for the WAL flush… Counts per state over the sampling.
 */
export class WaitSampler {
  readonly #client: pg.Client;
  readonly #database: string;
  readonly counts = new Map<string, number>();
  /** Backends seen since sampling last started (or by {@link backendsNow}). */
  readonly backendPids = new Set<number>();
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(adminUrl: string, database: string) {
    this.#client = new pg.Client({ connectionString: adminUrl });
    this.#database = database;
  }

  async connect(): Promise<void> {
    await this.#client.connect();
  }

  /** The backends connected now (and remembers them). */
  async backendsNow(): Promise<number[]> {
    return (await this.#sample()).map((row) => row.pid);
  }

  start(): void {
    this.backendPids.clear();
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        for (const row of await this.#sample()) {
          const key =
            row.state === 'active'
              ? (row.wait ?? 'active: on CPU')
              : `${row.state}${row.wait ? ` (${row.wait})` : ''}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
  }

  async #sample() {
    const { rows } = await this.#client.query<{ pid: number; state: string; wait: string | null }>(
      `select pid, state, wait_event_type || ':' || wait_event as wait from pg_stat_activity
       where datname = $1 and pid <> pg_backend_pid()`,
      [this.#database],
    );
    for (const row of rows) this.backendPids.add(row.pid);
    return rows;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Shares of backend samples per state, largest first. */
  shares(): [string, number][] {
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => [key, n / total]);
  }

  close(): Promise<void> {
    return this.#client.end();
  }
}

/** CPU seconds per process kind, and the logouts and wall time they were spent on. */
interface CpuTotals {
  server: number;
  postgres: number;
  redis: number;
  driver: number;
  logouts: number;
  wallMs: number;
}

/** CPU per logout of each process one target's logouts run in, summed over the timed phases. */
export class CpuLedger {
  #totals: CpuTotals = CpuLedger.#zero();

  /**
   * @param serverPid the target's process
   * @param backends the sampler of its database: samples during each phase, and finds the backends
   * @param redisPid the Redis it writes to
   */
  constructor(
    readonly serverPid: number,
    readonly backends: WaitSampler,
    readonly redisPid: number | undefined,
  ) {}

  /** Runs one timed phase of `logouts` logouts, sampling the backends, and charges it; returns its result and its span. */
  async charge<T>(logouts: number, run: () => Promise<T>): Promise<{ result: T; window: Window }> {
    // Read just before: a pool closes idle connections (pg: after 10 s), so backends come and go
    // between rounds, and one the sampler finds during the phase was born during it.
    this.backends.start();
    const backendsBefore = new Map((await this.backends.backendsNow()).map((pid) => [pid, cpuSeconds(pid)]));
    const before = this.#read();
    const driverBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = await run();
    const end = process.hrtime.bigint();
    const after = this.#read();
    const driver = process.cpuUsage(driverBefore);
    await this.backends.stop();
    await this.backends.backendsNow();
    const totals = this.#totals;
    totals.server += after.server - before.server;
    for (const pid of this.backends.backendPids) {
      // A backend gone meanwhile reads 0: its CPU is lost rather than counted negative.
      totals.postgres += Math.max(0, cpuSeconds(pid) - (backendsBefore.get(pid) ?? 0));
    }
    totals.redis += after.redis - before.redis;
    totals.driver += (driver.user + driver.system) / 1e6;
    totals.logouts += logouts;
    totals.wallMs += Number(end - start) / 1e6;
    return { result, window: { start, end } };
  }

  /** What was charged so far. */
  get totals(): Readonly<CpuTotals> {
    return this.#totals;
  }

  /** CPU µs per logout of each process kind. */
  perLogoutMicros(): { server: number; postgres: number; redis: number; driver: number } {
    const { server, postgres, redis, driver, logouts } = this.#totals;
    const micros = (seconds: number) => (seconds / logouts) * 1e6;
    return {
      server: micros(server),
      postgres: micros(postgres),
      redis: micros(redis),
      driver: micros(driver),
    };
  }

  /** Forgets everything charged (after the warm-up). */
  reset(): void {
    this.#totals = CpuLedger.#zero();
  }

  #read() {
    return {
      server: cpuSeconds(this.serverPid),
      redis: this.redisPid === undefined ? 0 : cpuSeconds(this.redisPid),
    };
  }

  static #zero(): CpuTotals {
    return { server: 0, postgres: 0, redis: 0, driver: 0, logouts: 0, wallMs: 0 };
  }
}
