import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './ports.ts';
import { ensureRedis, findExecutable, redisAnswers } from './redis.ts';
import { StackError } from './stack-error.ts';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A TCP server that answers every connection's first bytes with `reply` (or never, if null). */
async function fakeServer(reply: string | null): Promise<string> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => {
      if (reply !== null) socket.write(reply);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('redisAnswers', () => {
  it('is true for a PONG, and for an error reply (a Redis that wants a password is still there)', async () => {
    expect(await redisAnswers(await fakeServer('+PONG\r\n'))).toBe(true);
    expect(await redisAnswers(await fakeServer('-NOAUTH Authentication required.\r\n'))).toBe(true);
  });

  it('is false when nothing listens, and when something listens but never answers', async () => {
    expect(await redisAnswers(`redis://127.0.0.1:${await freePort()}`)).toBe(false);
    expect(await redisAnswers(await fakeServer(null), 200)).toBe(false);
  });

  it('is false for something that accepts and hangs up at once', async () => {
    const server = createServer((socket) => socket.destroy());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    expect(await redisAnswers(`redis://127.0.0.1:${port}`, 5000)).toBe(false);
  });

  it('is false for something that is not Redis', async () => {
    expect(await redisAnswers(await fakeServer('HTTP/1.1 400 Bad Request\r\n\r\n'))).toBe(false);
  });
});

describe('ensureRedis', () => {
  it('uses the Redis that answers, and says nothing', async () => {
    const url = await fakeServer('+PONG\r\n');
    const said: string[] = [];
    const redis = await ensureRedis(url, (line) => said.push(line));
    expect([redis.url, redis.isPrivate, said]).toEqual([url, false, []]);
  });

  it('without Redis and without redis-server, fails with the one line telling how to get one', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const attempt = ensureRedis(url, () => {}, { redisServer: null });
    await expect(attempt).rejects.toThrow(StackError);
    await expect(attempt).rejects.toThrow(
      /^Redis is not reachable at .*: start one with `docker compose up -d redis`/,
    );
  });

  it('never starts a private Redis for a URL on another machine', async () => {
    const attempt = ensureRedis('redis://redis.invalid:6379', () => {}, { redisServer: '/bin/true' });
    await expect(attempt).rejects.toThrow(/docker compose up -d redis/);
  });
});

describe('findExecutable', () => {
  it('finds a program on PATH, and nothing on an empty PATH', () => {
    expect(findExecutable('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findExecutable('sh', '')).toBeUndefined();
  });
});
