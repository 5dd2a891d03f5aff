import { type PrivateRedis, startPrivateRedis } from '@revoke/auth/testing';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Runs `use` with a private redis-server and a client already connected to it, for tests that freeze
 * the server (SIGSTOP) to see what a silent Redis does; thaws and stops it afterwards, whatever happened.
 */
export async function withFreezableRedis(
  clientOptions: RedisOptions,
  use: (server: PrivateRedis, client: Redis) => Promise<void>,
): Promise<void> {
  const server = await startPrivateRedis();
  const client = new Redis(server.url, clientOptions);
  client.on('error', () => {});
  try {
    // Connected and ready first: these tests are about a server that stops answering, not one not yet reached.
    await client.ping();
    await use(server, client);
  } finally {
    server.thaw();
    client.disconnect();
    await server.stop();
  }
}
