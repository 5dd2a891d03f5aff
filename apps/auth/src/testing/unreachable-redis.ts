import { Redis } from 'ioredis';

/**
 * Runs `use` with a Redis client that is not connected, as during a reconnect: nothing listens on
 * port 1, and lazyConnect leaves the client not ready. Disconnects it afterwards.
 */
export async function withUnreachableRedis(use: (redis: Redis) => Promise<void>): Promise<void> {
  const down = new Redis({
    port: 1,
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  try {
    await use(down);
  } finally {
    down.disconnect();
  }
}
