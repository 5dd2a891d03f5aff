// The figures docs/scaling.md sizes a deployment with, on a private redis-server:
// - Redis memory per live revocation (INFO used_memory before and after writing N entries);
// - how many revocations per second one writer connection stores and announces (writeAll batches);
// - how many events per second one feed applies (a burst published while it listens).
// Run: pnpm --dir bench exec tsx src/sizing.ts [entries, default 200000]
import { randomBytes } from 'node:crypto';
import { RevocationFeed } from '@revoke/auth/internal';
import { startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter, type RevocationEntry } from '@revoke/auth/writer';
import { Redis } from 'ioredis';

const entries = Number(process.argv[2] ?? 200_000);
const BATCH = 500;

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
const revocation = (exp: number): RevocationEntry => ({
  kind: 'jti',
  id: randomBytes(16).toString('base64url'),
  exp,
});

const server = await startPrivateRedis();
const redis = new Redis(server.url);
const prefix = testPrefix('sizing');
const writer = createRevocationWriter({ redis, prefix });
const feed = new RevocationFeed({ redisUrl: server.url, prefix });
try {
  await writer.setEpoch();
  await feed.start();
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const before = await usedMemory(redis);

  // Written and announced in batches while the feed listens: both rates come from one run.
  const startedAt = performance.now();
  for (let done = 0; done < entries; done += BATCH) {
    await writer.writeAll(Array.from({ length: Math.min(BATCH, entries - done) }, () => revocation(exp)));
    if (done % 50_000 === 0) process.stderr.write(`  written ${done.toLocaleString('en-US')}…\n`);
  }
  const writtenMs = performance.now() - startedAt;
  while (feed.cache.size < entries) await new Promise((resolve) => setTimeout(resolve, 5));
  const appliedMs = performance.now() - startedAt;
  const after = await usedMemory(redis);

  const rows: [string, string][] = [
    ['entries', entries.toLocaleString('en-US')],
    ['Redis memory per live revocation', `${((after - before) / entries).toFixed(0)} B`],
    [
      'one writer connection (writeAll, 500 per batch)',
      `${Math.round(entries / (writtenMs / 1000)).toLocaleString('en-US')} revocations/s`,
    ],
    [
      'one feed applying the same stream',
      `${Math.round(entries / (appliedMs / 1000)).toLocaleString('en-US')} events/s (all applied ${(appliedMs - writtenMs).toFixed(0)} ms after the last write)`,
    ],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(50)} ${value}`);
} finally {
  await feed.close();
  redis.disconnect();
  await server.stop();
}
