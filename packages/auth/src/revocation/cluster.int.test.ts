import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PrivateRedisCluster, startPrivateRedisCluster } from '../testing/redis-cluster.ts';
import { startPrivateRedis, testPrefix } from '../testing/redis-server.ts';
import { claimsOf, onePerShard } from './cluster-fixtures.ts';
import { createRedisClient, type RedisClient } from './connection.ts';
import type { RevocationEntry } from './entry.ts';
import { RevocationFeed, type RevocationFeedOptions } from './feed.ts';
import { revocationKeys } from './keys.ts';
import { createRevocationWriter, type RevocationWriter } from './writer.ts';

// Short heartbeat so a failover is noticed in well under a second; the default is 1 s.
const FAST = { staleAfterMs: 1000, heartbeatMs: 200, directTimeoutMs: 500 } as const;
const SHARDS = 8;
const nowSec = () => Math.floor(Date.now() / 1000);

let cluster: PrivateRedisCluster;
let clusterUpAt = 0;
const closers: (() => unknown)[] = [];
beforeAll(async () => {
  cluster = await startPrivateRedisCluster();
  clusterUpAt = Date.now();
}, 60_000);
afterAll(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await cluster?.stop();
});

function client(): RedisClient {
  const redis = createRedisClient({ cluster: { nodes: cluster.nodes } });
  redis.on('error', () => {});
  closers.push(() => redis.disconnect());
  return redis;
}

function feed(prefix: string, options: RevocationFeedOptions = {}): RevocationFeed {
  const created = new RevocationFeed({
    redisCluster: { nodes: cluster.nodes, shards: SHARDS },
    prefix,
    ...FAST,
    ...options,
  });
  closers.push(() => created.close());
  return created;
}

async function writer(prefix: string): Promise<RevocationWriter> {
  const created = createRevocationWriter({ redis: client(), prefix, shards: SHARDS });
  await created.setEpoch();
  return created;
}

describe('revocation writer and feed on a Redis Cluster (3 masters, 3 replicas)', () => {
  it('spreads the shards over every master, each revocation in one slot', async () => {
    const prefix = testPrefix('cluster');
    const keys = revocationKeys(prefix, { shards: SHARDS });
    const masters = new Set(await Promise.all(keys.shards.map((shard) => cluster.masterOf(shard.index))));
    expect(masters.size).toBe(3);
    const entries = onePerShard(prefix, 'slot', SHARDS);
    for (const [n, shard] of keys.shards.entries()) {
      const id = entries.find((entry) => keys.shardOf('jti', entry.id) === n)!.id;
      const slots = await Promise.all(
        [keys.entry('jti', id), shard.index, shard.stream, shard.channel, shard.epoch].map((key) =>
          cluster.masterOf(key),
        ),
      );
      expect(new Set(slots).size).toBe(1);
    }
  });

  it('a snapshot reads every shard, and an entry on every shard reaches a running feed by sharded pub/sub', async () => {
    const prefix = testPrefix('cluster');
    const write = await writer(prefix);
    const before = onePerShard(prefix, 'before', SHARDS);
    await write.writeAll(before);
    const subscriber = feed(prefix);
    await subscriber.start();
    expect(before.every((entry) => subscriber.cache.isRevoked(claimsOf(entry.id)))).toBe(true);

    const after = onePerShard(prefix, 'after', SHARDS);
    const started = Date.now();
    for (const entry of after) expect(await write.write(entry)).toBe(1);
    await vi.waitFor(
      () => expect(after.every((entry) => subscriber.cache.isRevoked(claimsOf(entry.id)))).toBe(true),
      {
        timeout: 1000,
        interval: 5,
      },
    );
    console.log(`cluster: ${after.length} events (one per shard) applied within ${Date.now() - started} ms`);
    expect(subscriber.isFresh()).toBe(true);
    expect(await subscriber.checkDirect(claimsOf(after[0]!.id))).toBe(true);
    expect(await subscriber.checkDirect(claimsOf('never-revoked'))).toBe(false);
  });

  it('after its subscribers are dropped, a feed catches every shard up from its own stream', async () => {
    const prefix = testPrefix('cluster');
    const write = await writer(prefix);
    await write.writeAll(onePerShard(prefix, 'before', SHARDS));
    const modes: string[] = [];
    const subscriber = feed(prefix, { observer: { snapshot: (_entries, _ms, mode) => modes.push(mode) } });
    await subscriber.start();
    expect(modes).toEqual(['full']);
    // Every master drops its sharded subscribers; a revocation on every shard meanwhile has no receiver.
    for (const node of cluster.nodes) {
      const direct = new Redis(Number(node.split(':')[1]), '127.0.0.1');
      await direct.client('KILL', 'TYPE', 'pubsub').catch(() => 0);
      direct.disconnect();
    }
    const gap = onePerShard(prefix, 'gap', SHARDS);
    await write.writeAll(gap);
    await vi.waitFor(
      () => {
        expect(subscriber.status().synced).toBe(true);
        expect(gap.every((entry) => subscriber.cache.isRevoked(claimsOf(entry.id)))).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    expect(modes.length).toBeGreaterThan(1);
    expect(modes.slice(1).every((mode) => mode === 'resumed')).toBe(true);
  });

  it('a snapshot that fails after the echoes were lost is retried: the feed does not stay unsynced forever', async () => {
    // A young cluster's topology still settles for a few seconds, and each change makes ioredis report its
    // subscribers again, which would trigger a snapshot and hide the missing retry.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, clusterUpAt + 7000 - Date.now())));
    const prefix = testPrefix('cluster');
    await writer(prefix);
    const subscriber = feed(prefix);
    await subscriber.start();
    const proto = Cluster.prototype as unknown as Record<
      'spublish' | 'zscan' | 'xrange',
      (...args: unknown[]) => Promise<unknown>
    >;
    const { spublish, zscan, xrange } = proto;
    let echoesLost = true;
    let failScans = 1;
    // The echoes go missing (a shard's subscriber lost, say) until the feed gives up on its subscriptions...
    proto.spublish = function (this: Cluster, ...args: unknown[]) {
      if (echoesLost && String(args[0]).startsWith(prefix))
        return Promise.reject(new Error('echo lost (test)'));
      return spublish.apply(this, args);
    };
    // ...then they come back, and the snapshot that follows fails once (a timeout during a failover, say),
    // whether it reads the index whole or catches up from the streams.
    const failOnce = (read: (...args: unknown[]) => Promise<unknown>) =>
      function (this: Cluster, ...args: unknown[]) {
        if (failScans > 0 && String(args[0]).startsWith(prefix)) {
          failScans--;
          return Promise.reject(new Error('snapshot failed (test)'));
        }
        return read.apply(this, args);
      };
    proto.zscan = failOnce(zscan);
    proto.xrange = failOnce(xrange);
    try {
      await vi.waitFor(() => expect(subscriber.status().synced).toBe(false), { timeout: 3000, interval: 10 });
      echoesLost = false;
      await vi.waitFor(() => expect(failScans).toBe(0), { timeout: 3000, interval: 10 });
      // The next complete heartbeat round (200 ms) retries it.
      await vi.waitFor(() => expect(subscriber.status().synced).toBe(true), { timeout: 1000, interval: 20 });
      await vi.waitFor(() => expect(subscriber.isFresh()).toBe(true), { timeout: 1000, interval: 20 });
    } finally {
      delete (proto as Partial<typeof proto>).spublish;
      delete (proto as Partial<typeof proto>).zscan;
      delete (proto as Partial<typeof proto>).xrange;
    }
  });

  it('a feed or writer configured with another number of shards never trusts the epochs (REVOCATION_SHARDS mismatch)', async () => {
    const prefix = testPrefix('cluster');
    await writer(prefix);
    const other = { redisCluster: { nodes: cluster.nodes, shards: SHARDS / 2 }, prefix, ...FAST };
    const mismatched = new RevocationFeed(other);
    closers.push(() => mismatched.close());
    void mismatched.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mismatched.ready).toBe(false);
    expect(mismatched.isFresh()).toBe(false);
    await expect(mismatched.checkDirect(claimsOf('any'))).rejects.toMatchObject({
      code: 'REVOCATION_UNAVAILABLE',
    });
    // An auth app with the other number reads no epoch of its own, so its guardian re-seeds in its shape.
    expect(
      await createRevocationWriter({ redis: client(), prefix, shards: SHARDS / 2 }).readEpoch(),
    ).toBeNull();
  });

  it('with replicaWait, a write returns once a replica holds it (WAIT on the connection that wrote)', async () => {
    const prefix = testPrefix('cluster');
    const waiting = createRevocationWriter({
      redis: client(),
      prefix,
      shards: SHARDS,
      replicaWait: { replicas: 1, timeoutMs: 5000 },
    });
    await waiting.setEpoch();
    const entries = onePerShard(prefix, 'waited', SHARDS);
    const started = Date.now();
    for (const entry of entries) await waiting.write(entry);
    await waiting.writeAll(onePerShard(prefix, 'waited-batch', SHARDS));
    // Every replica answered long before the 5 s timeout of even one WAIT.
    expect(Date.now() - started).toBeLessThan(2500);

    // A Redis without replicas: the WAIT does run, and runs out its timeout (why it is off by default).
    const lone = await startPrivateRedis();
    const redis = new Redis(lone.url);
    try {
      const alone = createRevocationWriter({ redis, prefix, replicaWait: { replicas: 1, timeoutMs: 100 } });
      const at = Date.now();
      await alone.write({ kind: 'jti', id: 'alone', exp: nowSec() + 600 });
      expect(Date.now() - at).toBeGreaterThanOrEqual(90);
    } finally {
      redis.disconnect();
      await lone.stop();
    }
  });

  it('a master killed during a stream of writes: after failover and re-seed the feed holds every acknowledged entry', async () => {
    const prefix = testPrefix('cluster');
    const write = await writer(prefix);
    const subscriber = feed(prefix);
    await subscriber.start();
    const keys = revocationKeys(prefix, { shards: SHARDS });

    const acknowledged: RevocationEntry[] = [];
    let stop = false;
    // The heartbeat's echoes must notice the failover: the feed stops trusting its cache meanwhile.
    let wentUnsynced = false;
    const watch = setInterval(() => {
      if (!subscriber.status().synced) wentUnsynced = true;
    }, 20);
    const stream = (async () => {
      for (let i = 0; !stop; i++) {
        const entry: RevocationEntry = { kind: 'jti', id: `stream-${i}`, exp: nowSec() + 600 };
        // A write refused during the failover is retried, as the relay does.
        for (;;) {
          try {
            await write.write(entry);
            acknowledged.push(entry);
            break;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Replication is asynchronous: make the victim's replica miss what its master acknowledged so far
    // (its epoch survives, as it would), so that the promotion really loses revocations.
    const victim = await cluster.masterOf(keys.shards[0]!.index);
    let lost = 0;
    for (const [n, shard] of keys.shards.entries()) {
      if ((await cluster.masterOf(shard.index)) !== victim) continue;
      lost += await cluster.loseOnReplicas(shard.index, `${prefix}{${n}}:*`, shard.epoch);
    }
    const { failoverMs } = await cluster.killMaster(keys.shards[0]!.index);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await stream;
    clearInterval(watch);
    expect(wentUnsynced).toBe(true);
    expect(lost).toBeGreaterThan(0);
    // The running feed never drops what it holds; a feed started now sees what the promoted replica lost.
    const late = feed(prefix);
    await late.start();
    const missing = acknowledged.filter((entry) => !late.cache.isRevoked(claimsOf(entry.id)));
    expect(missing.length).toBeGreaterThan(0);
    // What the guardian does on a change of master: every live revocation again, then new epochs.
    await write.seed(acknowledged);
    await write.setEpoch();
    const started = Date.now();
    await vi.waitFor(
      () => {
        for (const each of [subscriber, late]) {
          expect(each.status().synced).toBe(true);
          expect(acknowledged.filter((entry) => !each.cache.isRevoked(claimsOf(entry.id)))).toEqual([]);
        }
      },
      { timeout: 10_000, interval: 20 },
    );
    console.log(
      `cluster failover: ${failoverMs} ms until a replica served the slot; ${acknowledged.length} writes, ` +
        `${missing.length} lost by the promotion, all in both feeds ${Date.now() - started} ms after the re-seed`,
    );
    // The feed re-subscribed on the promoted master: a new entry on every shard arrives live again.
    const later = onePerShard(prefix, 'later', SHARDS);
    for (const entry of later) await write.write(entry);
    await vi.waitFor(
      () => expect(later.every((entry) => subscriber.cache.isRevoked(claimsOf(entry.id)))).toBe(true),
      {
        timeout: 5000,
        interval: 10,
      },
    );
    await vi.waitFor(() => expect(subscriber.isFresh()).toBe(true), { timeout: 3000, interval: 20 });
  }, 60_000);
});
