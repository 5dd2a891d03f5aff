import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@revoke/testkit/ports';

/**
 * A private Postgres for the "Postgres down during logout" fault: Debian's binaries, a temporary data
 * directory, trust authentication, a free loopback port. It can be stopped (every connection refused)
 * and started again with its data, without touching the shared server other tests use.
 */
export interface PrivatePostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** Fast shutdown (SIGINT): open connections are closed, new ones refused. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes its data directory. */
  destroy(): Promise<void>;
}

/** The newest Debian Postgres `bin` directory (`/usr/lib/postgresql/<version>/bin`). */
function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .map(Number)
    .filter((version) => Number.isInteger(version))
    .sort((a, b) => b - a);
  if (versions.length === 0) throw new Error('no Postgres binaries under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** Postgres refuses to run as root: as root, run its binaries as the `postgres` user (setpriv execs, so the pid is the server's). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fault-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const [initdb, initArgs] = asPostgres(`${bin}/initdb`, [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'ignore' });

  let child: ChildProcess | undefined;
  const output: string[] = [];
  const launch = async () => {
    const [command, args] = asPostgres(`${bin}/postgres`, [
      '-D',
      data,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=100',
    ]);
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr])
      stream?.setEncoding('utf8').on('data', (c) => output.push(c));
    const deadline = Date.now() + 30_000;
    while (!output.join('').includes('ready to accept connections')) {
      if (child.exitCode !== null) throw new Error(`postgres exited:\n${output.join('').slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`postgres did not start:\n${output.join('').slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGINT');
    await exited;
    output.length = 0;
  };
  await launch();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start: launch,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
