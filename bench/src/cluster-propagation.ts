// Propagation on a Redis Cluster (sharded pub/sub) beside a single Redis, in one run:
//   pnpm --dir bench exec tsx src/cluster-propagation.ts [revocations per round] [services]
// Starts a private redis-server and a private 3-master + 3-replica cluster, and per target N service
// processes, each a RevocationFeed. One revocation at a time (writer.revokeToken: the Lua script, then
// PUBLISH or SPUBLISH), timed from just before the call until each service applied it, with the
// monotonic clock every process of this machine shares. Rounds alternate between the two targets so
// that both see the same machine load.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRedisClient } from '@revoke/auth/internal';
import { startPrivateRedis, startPrivateRedisCluster, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, type RevocationWriter } from '@revoke/auth/writer';
import { benchFile, forkTs, isMessage, nextMessage, stopChild } from './children.ts';
import { quantile } from './stats.ts';

const perRound = Number(process.argv[2] ?? 200);
const services = Number(process.argv[3] ?? 4);
const rounds = 4;

interface Target {
  name: 'single' | 'cluster';
  writer: RevocationWriter;
  children: ChildProcess[];
  delays: number[];
  close(): void;
}

let pending: { at: number[]; done: () => void } | undefined;

async function target(name: Target['name'], address: string, prefix: string): Promise<Target> {
  const redis = createRedisClient(
    name === 'cluster' ? { cluster: { nodes: address.split(',') } } : { url: address },
  );
  const writer = createRevocationWriter({ redis, prefix });
  await writer.setEpoch();
  const children = Array.from({ length: services }, () =>
    forkTs(benchFile('./workloads/cluster-propagation-child.ts'), { args: [name, address, prefix] }),
  );
  for (const child of children) {
    child.on('message', (message) => {
      if (!isMessage<{ type: 'applied'; at: number }>('applied')(message) || !pending) return;
      pending.at.push(message.at);
      if (pending.at.length === services) pending.done();
    });
  }
  await Promise.all(children.map((child) => nextMessage(child, isMessage('ready'))));
  return { name, writer, children, delays: [], close: () => redis.disconnect() };
}

async function hop(writer: RevocationWriter): Promise<number[]> {
  const arrived = new Promise<number[]>((resolve) => {
    pending = { at: [], done: () => resolve(pending!.at) };
  });
  const jti = randomBytes(16).toString('base64url');
  const sentAt = Number(process.hrtime.bigint());
  await writer.revokeToken({ jti, exp: Math.floor(Date.now() / 1000) + 900 });
  const at = await arrived;
  pending = undefined;
  return at.map((t) => (t - sentAt) / 1e6);
}

const single = await startPrivateRedis();
const cluster = await startPrivateRedisCluster();
const targets: Target[] = [];
try {
  targets.push(await target('single', single.url, testPrefix('prop-single')));
  targets.push(await target('cluster', cluster.nodesEnv, testPrefix('prop-cluster')));
  // Warm-up: connections, scripts loaded, JIT.
  for (const each of targets) for (let i = 0; i < 20; i++) await hop(each.writer);
  for (let round = 0; round < rounds; round++) {
    for (const each of round % 2 === 0 ? targets : [...targets].reverse()) {
      for (let i = 0; i < perRound; i++) {
        each.delays.push(...(await hop(each.writer)));
        // A short gap, so that hops do not queue behind each other.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
  }
  console.log(
    `propagation, revoke → applied in each of ${services} service processes (${rounds * perRound} revocations per target):`,
  );
  for (const each of targets) {
    const { delays } = each;
    console.log(
      `  ${each.name.padEnd(8)} p50 ${quantile(delays, 0.5).toFixed(3)} ms  p99 ${quantile(delays, 0.99).toFixed(3)} ms  ` +
        `max ${Math.max(...delays).toFixed(3)} ms  (n=${delays.length})`,
    );
  }
} finally {
  for (const each of targets) {
    await Promise.all(each.children.map((child) => stopChild(child)));
    each.close();
  }
  await single.stop();
  await cluster.stop();
}
