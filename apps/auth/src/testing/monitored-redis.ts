import { type PrivateRedis, startPrivateRedis } from '@revoke/auth/testing';
import { Redis } from 'ioredis';
import { expect, vi } from 'vitest';

/** A private `redis-server` whose MGETs are counted (MONITOR), for tests of how often Redis is asked. */
export interface MonitoredRedis {
  url: string;
  /** A plain command connection to it. */
  command: Redis;
  /** MGETs so far that read `key`: a direct revocation check, batched or not, is one. */
  readsOf(key: string): number;
  /**
   * Waits until `key` was read more than `before` times, then a little longer for stragglers (MONITOR
   * reports asynchronously); returns how many reads there were since `before`.
   */
  readsAfter(key: string, before: number): Promise<number>;
  /** Ends every subscriber connection: each reconnects and re-subscribes, as after a network blip. */
  dropSubscribers(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts it. Private, so that its pub/sub connections can be killed without touching other tests, and
 * MONITOR sees only this test's commands.
 */
export async function startMonitoredRedis(): Promise<MonitoredRedis> {
  const redis: PrivateRedis = await startPrivateRedis();
  const command = new Redis(redis.url);
  const monitor = await command.monitor();
  const mgets: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'mget') mgets.push(args);
  });
  const readsOf = (key: string) => mgets.filter((args) => args.includes(key)).length;
  return {
    url: redis.url,
    command,
    readsOf,
    async readsAfter(key, before) {
      await vi.waitFor(() => expect(readsOf(key)).toBeGreaterThan(before), { timeout: 10_000, interval: 20 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      return readsOf(key) - before;
    },
    dropSubscribers: () => command.call('CLIENT', 'KILL', 'TYPE', 'pubsub'),
    async stop() {
      monitor.disconnect();
      command.disconnect();
      await redis.stop();
    },
  };
}
