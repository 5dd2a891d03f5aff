import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { privateServerArgs } from './redis-server.ts';

const run = promisify(execFile);

/** One `redis-server` of a {@link PrivateRedisCluster}. */
interface ClusterNode {
  port: number;
  dir: string;
  child: ChildProcess;
}

/**
 * A private Redis Cluster for tests: 3 masters and 3 replicas, each its own `redis-server` process on
 * loopback with its own temporary directory, no persistence and `noeviction`.
 *
 * @example
 * ```ts
 * import { startPrivateRedisCluster } from '@revoke/auth/testing';
 *
 * const cluster = await startPrivateRedisCluster();
 * process.env.REDIS_CLUSTER_NODES = cluster.nodesEnv; // '127.0.0.1:<port>,…', for the app under test
 * const { port, failoverMs } = await cluster.killMaster('revoke:{0}:index'); // a replica takes over
 * await cluster.stop();
 * ```
 */
export interface PrivateRedisCluster {
  /** Seed list, `127.0.0.1:<port>` per node (what `REDIS_CLUSTER_NODES` takes, comma-joined). */
  readonly nodes: string[];
  /** The seed list as `REDIS_CLUSTER_NODES` takes it. */
  readonly nodesEnv: string;
  /** Port of the master that serves `slotOrKey` (a slot number or a key) right now. */
  masterOf(slotOrKey: number | string): Promise<number>;
  /**
   * SIGKILLs the master serving `slotOrKey` and resolves once one of its replicas was promoted and every
   * node reports `cluster_state:ok` again. Resolves to the dead port and the milliseconds that took.
   */
  killMaster(slotOrKey: number | string): Promise<{ port: number; failoverMs: number }>;
  /**
   * Makes the replicas of the master serving `key` lose every key of that slot matching `match` except
   * `keep`, while the master keeps them: what a replica promoted after unreplicated writes holds (in a
   * script: the keys are deleted, and that is replicated; then restored on the master only). Resolves to
   * the number of keys.
   */
  loseOnReplicas(key: string, match: string, keep?: string): Promise<number>;
  /** Kills every node and removes their directories. */
  stop(): Promise<void>;
}

/**
 * `count` free loopback ports below 55535 whose cluster bus port (port + 10000) is free too. Every
 * listener stays open until all are chosen, so the kernel cannot hand one out twice.
 */
async function freeClusterPorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  const listen = async (port: number): Promise<Server | undefined> => {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    try {
      await Promise.race([
        once(server, 'listening'),
        once(server, 'error').then(([error]) => Promise.reject(error)),
      ]);
      held.push(server);
      return server;
    } catch {
      server.close();
      return undefined;
    }
  };
  const ports: number[] = [];
  try {
    for (let attempt = 0; ports.length < count && attempt < 200; attempt++) {
      const port = 20_000 + Math.floor(Math.random() * 35_000);
      if (ports.includes(port) || ports.includes(port + 10_000) || ports.includes(port - 10_000)) continue;
      if (!(await listen(port))) continue;
      if (!(await listen(port + 10_000))) continue;
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((server) => once(server.close(), 'close')));
  }
  if (ports.length < count) throw new Error('no free ports for a Redis Cluster');
  return ports;
}

async function launchNode(port: number): Promise<ClusterNode> {
  const dir = await mkdtemp(join(tmpdir(), `redis-cluster-${port}-`));
  const child = spawn(
    'redis-server',
    [
      ...privateServerArgs(port),
      '--dir',
      dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(dir, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '1000',
    ],
    { stdio: 'ignore' },
  );
  return { port, dir, child };
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  return stdout;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
}

/** True when every node in `ports` answers `cluster_state:ok`. */
async function allOk(ports: number[]): Promise<boolean> {
  const states = await Promise.all(ports.map((port) => cli(port, 'CLUSTER', 'INFO')));
  return states.every((info) => /cluster_state:ok/.test(info));
}

/** KEYS: any key of the slot. ARGV: SCAN pattern, a key to leave alone. */
const LOSE_ON_REPLICAS = `
local found, cursor = {}, '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  for _, name in ipairs(page[2]) do
    if name ~= ARGV[2] then table.insert(found, name) end
  end
until cursor == '0'
local saved = {}
for i, name in ipairs(found) do saved[i] = { redis.call('DUMP', name), redis.call('PTTL', name) } end
for _, name in ipairs(found) do redis.call('DEL', name) end
redis.set_repl(redis.REPL_NONE)
for i, name in ipairs(found) do
  local ttl = saved[i][2]
  if ttl < 0 then ttl = 0 end
  redis.call('RESTORE', name, ttl, saved[i][1])
end
return #found
`;

/**
 * Starts 6 private `redis-server` processes in cluster mode and joins them with
 * `redis-cli --cluster create … --cluster-replicas 1` (requires both binaries on PATH).
 *
 * @example
 * ```ts
 * import { startPrivateRedisCluster } from '@revoke/auth/testing';
 *
 * const cluster = await startPrivateRedisCluster();
 * const auth = createRevocationGuard({ issuer, audience: 'notes', redisCluster: { nodes: cluster.nodes } });
 * ```
 */
export async function startPrivateRedisCluster(): Promise<PrivateRedisCluster> {
  // Sharded pub/sub (SPUBLISH, SSUBSCRIBE) came with Redis 7.
  const { stdout: version } = await run('redis-server', ['--version']);
  const major = Number(/v=(\d+)\./.exec(version)?.[1]);
  if (!(major >= 7))
    throw new Error(`a Redis Cluster test needs redis-server 7 or later, found: ${version.trim()}`);
  const ports = await freeClusterPorts(6);
  const nodes = await Promise.all(ports.map(launchNode));
  const alive = () => nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
  const stop = async () => {
    await Promise.all(
      nodes.map(async (node) => {
        if (node.child.exitCode === null && node.child.signalCode === null) {
          const exited = once(node.child, 'exit');
          node.child.kill('SIGKILL');
          await exited;
        }
        await rm(node.dir, { recursive: true, force: true });
      }),
    );
  };
  try {
    await until('every node answers', 10_000, async () =>
      (await Promise.all(ports.map((port) => cli(port, 'PING')))).every((pong) => pong.trim() === 'PONG'),
    );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await until('cluster_state:ok on every node', 30_000, () => allOk(ports));
    // Replicas must have synced before a failover can promote one of them.
    await until('every replica in sync', 30_000, async () => {
      const infos = await Promise.all(ports.map((port) => cli(port, 'INFO', 'replication')));
      return infos.every((info) => !/role:slave/.test(info) || /master_link_status:up/.test(info));
    });
  } catch (error) {
    await stop();
    throw error;
  }

  async function masterOf(slotOrKey: number | string): Promise<number> {
    const anyPort = alive()[0]!.port;
    const slot =
      typeof slotOrKey === 'number'
        ? slotOrKey
        : Number((await cli(anyPort, 'CLUSTER', 'KEYSLOT', slotOrKey)).trim());
    const client = new Redis(anyPort, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      const ranges = (await client.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2][1];
    } finally {
      client.disconnect();
    }
  }

  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`),
    nodesEnv: ports.map((port) => `127.0.0.1:${port}`).join(','),
    masterOf,
    async loseOnReplicas(key, match, keep = '') {
      const client = new Redis(await masterOf(key), '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
      });
      try {
        await client.connect();
        const lost = Number(await client.eval(LOSE_ON_REPLICAS, 1, key, match, keep));
        // Both sides settled: the replica has applied the DELs before the caller kills the master.
        await client.call('WAIT', '1', '2000');
        return lost;
      } finally {
        client.disconnect();
      }
    },
    async killMaster(slotOrKey) {
      const port = await masterOf(slotOrKey);
      const victim = nodes.find((node) => node.port === port)!;
      const started = Date.now();
      const exited = once(victim.child, 'exit');
      victim.child.kill('SIGKILL');
      await exited;
      const rest = alive().map((node) => node.port);
      await until('a replica promoted', 30_000, async () => {
        if (!(await allOk(rest))) return false;
        return (await masterOf(slotOrKey)) !== port;
      });
      return { port, failoverMs: Date.now() - started };
    },
    stop,
  };
}
