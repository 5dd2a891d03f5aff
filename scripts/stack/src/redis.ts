import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { freePort, isLoopback, isPortFree } from './ports.ts';
import { StackError } from './stack-error.ts';

/** The Redis the stack runs against. */
export interface StackRedis {
  url: string;
  /** A `redis-server` this run started, and stops with it. */
  isPrivate: boolean;
  /** Process id of the private `redis-server`, for a last-resort kill. */
  pid?: number | undefined;
  stop(): Promise<void>;
}

/**
 * True when something speaking RESP answers `PING` at `url` within `timeoutMs`. Any reply counts
 * (`-NOAUTH` too): a Redis is there, and the apps will say themselves if they cannot use it.
 */
export function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const target = new URL(url);
  const port = Number(target.port || 6379);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const socket: Socket =
      target.protocol === 'rediss:'
        ? connectTls({ host, port, servername: host })
        : connectTcp({ host, port });
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    // Something that accepts and hangs up is not a Redis (and fires neither 'error' nor a timeout).
    socket.once('close', () => finish(false));
    socket.once(target.protocol === 'rediss:' ? 'secureConnect' : 'connect', () =>
      socket.write('*1\r\n$4\r\nPING\r\n'),
    );
    socket.once('data', (reply) => finish(/^[+-]/.test(reply.toString('latin1'))));
  });
}

/** Path of `name` on `PATH`, if it is an executable there. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/**
 * The Redis at `url` if one answers; otherwise a private `redis-server` for this run when the URL is
 * on this machine and the binary is installed (on the URL's port if free, else any free port).
 * Without either, a {@link StackError} whose message is the one line telling how to get Redis.
 */
export async function ensureRedis(
  url: string,
  say: (line: string) => void,
  /** The `redis-server` to start; default the one on PATH; `null`: none. */
  options: { redisServer?: string | null } = {},
): Promise<StackRedis> {
  if (await redisAnswers(url)) return { url, isPrivate: false, stop: async () => {} };
  const target = new URL(url);
  const binary = options.redisServer === undefined ? findExecutable('redis-server') : options.redisServer;
  if (!binary || !isLoopback(target.hostname)) {
    throw new StackError(
      `Redis is not reachable at ${url}: start one with \`docker compose up -d redis\` (or install redis-server), then try again`,
    );
  }
  const wanted = Number(target.port || 6379);
  const port = (await isPortFree(wanted)) ? wanted : await freePort();
  const redis = await startPrivateRedis(binary, port);
  target.hostname = '127.0.0.1';
  target.port = String(port);
  const privateUrl = target.toString().replace(/\/$/, '');
  say(
    `no Redis at ${url}: started a private redis-server at ${privateUrl} for this run (no persistence, stops with the stack)`,
  );
  return { url: privateUrl, isPrivate: true, pid: redis.pid, stop: redis.stop };
}

/**
 * Starts `redis-server` on 127.0.0.1:`port` as the design wants it: nothing on disk, and never
 * evicting (an evicted revocation key is a logged-out token accepted again; the auth app refuses an
 * evicting Redis). Its own process group, so a Ctrl-C reaches the apps first and Redis outlives
 * their shutdown.
 */
async function startPrivateRedis(
  binary: string,
  port: number,
): Promise<{ pid: number | undefined; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'revoke-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--maxmemory-policy', 'noeviction', '--dir', dir);
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) break;
    if (await redisAnswers(url, 200)) return { pid: child.pid, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  const tail = output.join('').trim().split('\n').slice(-3).join(' | ');
  throw new StackError(`could not start a private redis-server on port ${port}: ${tail || 'no answer'}`);
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}
