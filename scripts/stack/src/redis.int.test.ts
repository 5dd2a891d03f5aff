import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortFree } from './ports.ts';
import { ensureRedis, findExecutable, redisAnswers } from './redis.ts';

/** One command over RESP, its reply's raw text. */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once('data', (reply) => {
      socket.destroy();
      resolve(reply.toString());
    });
    socket.write(`*${args.length}\r\n${args.map((arg) => `$${arg.length}\r\n${arg}\r\n`).join('')}`);
  });
}

describe.skipIf(!findExecutable('redis-server'))('a private redis-server', () => {
  it('starts where nothing answers, configured never to evict or persist, says so once, and stops', async () => {
    const port = await freePort();
    const said: string[] = [];
    const redis = await ensureRedis(`redis://127.0.0.1:${port}`, (line) => said.push(line));
    try {
      expect(redis).toMatchObject({ url: `redis://127.0.0.1:${port}`, isPrivate: true });
      expect(said).toEqual([
        expect.stringContaining(`started a private redis-server at redis://127.0.0.1:${port}`),
      ]);
      expect(await command(port, 'CONFIG', 'GET', 'maxmemory-policy')).toContain('noeviction');
      expect(await command(port, 'CONFIG', 'GET', 'save')).toMatch(/save\r\n\$0\r\n/);
      expect(await command(port, 'CONFIG', 'GET', 'appendonly')).toContain('no');
    } finally {
      await redis.stop();
    }
    expect(await redisAnswers(redis.url)).toBe(false);
    expect(await isPortFree(port)).toBe(true);
  });

  it('takes another free port when the wanted one is busy with something that is not Redis', async () => {
    const { createServer } = await import('node:net');
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const address = squatter.address();
    const busy = typeof address === 'object' && address ? address.port : 0;
    const redis = await ensureRedis(`redis://127.0.0.1:${busy}`, () => {});
    try {
      expect(redis.isPrivate).toBe(true);
      expect(redis.url).not.toBe(`redis://127.0.0.1:${busy}`);
      expect(await redisAnswers(redis.url)).toBe(true);
    } finally {
      await redis.stop();
      squatter.close();
    }
  });
});
