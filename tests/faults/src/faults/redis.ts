import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PrivateRedis } from '@revoke/auth/testing';

const run = promisify(execFile);

/** One command on the private Redis through `redis-cli` (a connection of its own, gone afterwards). */
export async function redisCli(redis: PrivateRedis, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(redis.port), ...args], {
    timeout: 10_000,
    maxBuffer: 1 << 20,
  });
  return stdout.trim();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drops every subscriber connection (the services' feeds); they reconnect, resubscribe and snapshot again. */
export async function killSubscribers(redis: PrivateRedis): Promise<number> {
  return Number(await redisCli(redis, 'CLIENT', 'KILL', 'TYPE', 'pubsub'));
}

/** Drops every normal connection but redis-cli's own: the feeds' command connections and the auth app's writer. */
export async function killCommandClients(redis: PrivateRedis): Promise<number> {
  return Number(await redisCli(redis, 'CLIENT', 'KILL', 'TYPE', 'normal'));
}

/**
 * Trims the revocation stream to nothing older than now, then drops every subscriber: no feed finds the
 * entry it last applied, so each must read the whole index again instead of resuming.
 */
export async function trimStreamAndKillSubscribers(redis: PrivateRedis, prefix: string): Promise<void> {
  const trim = () => redisCli(redis, 'XTRIM', `${prefix}stream`, 'MINID', String(Date.now() + 1));
  await trim();
  await killSubscribers(redis);
  // Again: a logout announced between the first trim and the kill may have moved a feed's position
  // past it. The feeds reconnect after 100 ms at the earliest, long after this.
  await trim();
}

/**
 * Drops every subscriber and, at once, the revocation epoch: the feeds start catching up from the stream
 * while the auth app's guardian re-seeds Redis under a new epoch, so their resumes meet the change.
 */
export async function killSubscribersAndEpoch(redis: PrivateRedis, prefix: string): Promise<void> {
  await Promise.all([killSubscribers(redis), redisCli(redis, 'DEL', `${prefix}epoch`)]);
}

/** Deletes every key, the revocation epoch included: the auth app's guardian must re-seed from Postgres. */
export async function flushAll(redis: PrivateRedis): Promise<void> {
  await redisCli(redis, 'FLUSHALL');
}

/** Kills redis-server and starts it empty (no persistence), on the same port. */
export async function restartEmpty(redis: PrivateRedis): Promise<void> {
  await redis.restart();
}

/** `CLIENT PAUSE <ms> ALL`: every client's commands wait, pub/sub deliveries too, then all run at once. */
export async function pauseClients(redis: PrivateRedis, ms: number): Promise<void> {
  await redisCli(redis, 'CLIENT', 'PAUSE', String(ms), 'ALL');
  await sleep(ms);
}

/**
 * `CLIENT PAUSE <ms> WRITE`: reads (GET, MGET, PING, snapshots) go on, writes and PUBLISH wait. Redis
 * does this itself during a FAILOVER, and managed services do it during maintenance.
 */
export async function pauseWrites(redis: PrivateRedis, ms: number): Promise<void> {
  await redisCli(redis, 'CLIENT', 'PAUSE', String(ms), 'WRITE');
  await sleep(ms);
}

/** SIGSTOP for `ms`, then SIGCONT: a frozen server whose sockets stay open (half-open for its clients). */
export async function freeze(redis: PrivateRedis, ms: number): Promise<void> {
  redis.freeze();
  try {
    await sleep(ms);
  } finally {
    redis.thaw();
  }
}

/** Redis's default limit for pub/sub clients, restored when the overflow fault heals. */
const DEFAULT_PUBSUB_LIMIT = 'pubsub 32mb 8mb 60';

/** Ids of the current subscriber connections. */
export async function subscriberIds(redis: PrivateRedis): Promise<Set<string>> {
  const list = await redisCli(redis, 'CLIENT', 'LIST', 'TYPE', 'pubsub');
  return new Set([...list.matchAll(/\bid=(\d+)/g)].map((match) => match[1]!));
}

/**
 * Overflows the subscribers' output buffers for `ms`: a 1 KB hard limit, then bursts of large junk on
 * the revocation channel every 250 ms, so every subscriber is disconnected by Redis again and again
 * (the junk also tests that a feed ignores events it does not understand). The limit is restored after.
 * Resolves to how many of the subscribers present before were disconnected.
 */
export async function overflowSubscribers(redis: PrivateRedis, channel: string, ms: number): Promise<number> {
  const before = await subscriberIds(redis);
  await redisCli(redis, 'CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1kb 512b 1');
  const junk = 'x'.repeat(16 * 1024);
  try {
    const until = Date.now() + ms;
    do {
      await redisCli(redis, '-r', '8', 'PUBLISH', channel, junk);
      await sleep(250);
    } while (Date.now() < until);
  } finally {
    await redisCli(redis, 'CONFIG', 'SET', 'client-output-buffer-limit', DEFAULT_PUBSUB_LIMIT);
  }
  const after = await subscriberIds(redis);
  return [...before].filter((id) => !after.has(id)).length;
}
