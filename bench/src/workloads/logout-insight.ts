// Where a logout's time goes, seen from outside the auth app: CPU spent per logout by each process
// involved (/proc), and what the auth database's backends were waiting on (pg_stat_activity sampled).
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

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

  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        const { rows } = await this.#client.query<{ pid: number; state: string; wait: string | null }>(
          `select pid, state, wait_event_type || ':' || wait_event as wait from pg_stat_activity
           where datname = $1 and pid <> pg_backend_pid()`,
          [this.#database],
        );
        for (const row of rows) {
          this.backendPids.add(row.pid);
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
