// The floor as a target of the `logout` workload: logout-floor-server.ts in its own process, sent the
// same requests as our auth app (a POST with a bearer token) by the same load generator.
import { randomBytes } from 'node:crypto';
import { benchFile, forkTs, isMessage, nextMessage, stopChild } from '../children.ts';
import { type LogoutTarget, post } from './logout-load.ts';

export interface FloorOptions {
  databaseUrl: string;
  databaseName: string;
  redisUrl: string;
  prefix: string;
}

export async function startFloor(options: FloorOptions): Promise<LogoutTarget> {
  const server = forkTs(benchFile('./workloads/logout-floor-server.ts'), {
    env: { DATABASE_URL: options.databaseUrl, REDIS_URL: options.redisUrl, PREFIX: options.prefix },
  });
  const stop = () => stopChild(server);
  try {
    const { port } = await nextMessage(server, isMessage<{ type: 'ready'; port: number }>('ready'));
    const url = `http://127.0.0.1:${port}/logout`;
    return {
      pid: server.pid!,
      database: options.databaseName,
      // A fresh id per logout, of a jti's size: the floor verifies nothing, it revokes what it is sent.
      tokens: async (count) => Array.from({ length: count }, () => randomBytes(16).toString('base64url')),
      async logout(token) {
        await post(url, { authorization: `Bearer ${token}` });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
