import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { freePort } from '@revoke/testkit/ports';
import { Redis } from 'ioredis';

/**
 * A private `redis-server` for fault tests: it can be restarted empty, frozen and thawed without
 * touching the shared Redis other tests use. No persistence, so a restart loses everything, as a
 * production Redis without AOF would.
 *
 * @example
 * ```ts
 * import { startPrivateRedis } from '@revoke/auth/testing';
 *
 * const redis = await startPrivateRedis();
 * redis.freeze(); // open sockets, no answers: the feed goes stale
 * redis.thaw();
 * await redis.restart(); // empty, on the same port: Redis lost every revocation
 * await redis.stop();
 * ```
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Kills the server and starts a new one, empty, on the same port. */
  restart(): Promise<void>;
  /** SIGSTOP: the process keeps its sockets open but answers nothing (a frozen or half-open Redis). */
  freeze(): void;
  /** SIGCONT after {@link freeze}. */
  thaw(): void;
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server` on a free loopback port (requires the binary on PATH).
 *
 * @example
 * ```ts
 * import { startPrivateRedis } from '@revoke/auth/testing';
 *
 * const redis = await startPrivateRedis();
 * const auth = createRevocationGuard({ issuer, audience: 'notes', redisUrl: redis.url, staleAfterMs: 500 });
 * await redis.stop(); // past S, requests are refused with REVOCATION_UNAVAILABLE
 * ```
 */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child = await launch(port, extraArgs);
  return {
    port,
    url,
    async restart() {
      await kill(child);
      child = await launch(port, extraArgs);
    },
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    async stop() {
      child.kill('SIGCONT');
      await kill(child);
    },
  };
}

/** Loopback only, no persistence (a restart loses everything), never evicting. */
export function privateServerArgs(port: number): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ];
}

async function launch(port: number, extraArgs: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', [...privateServerArgs(port), ...extraArgs], { stdio: 'ignore' });
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  // Refused connections are expected until the server is up.
  client.on('error', () => {});
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
      try {
        await client.connect();
        await client.ping();
        return child;
      } catch {
        client.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`redis-server on port ${port} did not answer`);
  } finally {
    client.disconnect();
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/**
 * A random key prefix, so that each test's keys and channel are its own on a shared Redis.
 *
 * @example
 * ```ts
 * import { testPrefix } from '@revoke/auth/testing';
 *
 * const auth = createRevocationGuard({ issuer, audience: 'notes', prefix: testPrefix() });
 * ```
 */
export function testPrefix(label = 'test'): string {
  return `${label}:${randomBytes(6).toString('hex')}:`;
}
