import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPrefix } from '../testing/redis-server.ts';
import { IssuerPolicyError, readIssuerPolicy, writeIssuerPolicy } from './issuer-policy.ts';
import { revocationKeys } from './keys.ts';
import { createRevocationWriter } from './writer.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redis: Redis;
let listener: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  listener = new Redis(REDIS_URL);
});
afterAll(() => {
  redis.disconnect();
  listener.disconnect();
});

const nowSec = () => Math.floor(Date.now() / 1000);

async function cleanup(prefix: string) {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
}

describe('revocation writer', () => {
  it('writes the key with EXAT exp + tolerance, the index member and one event, atomically', async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const writer = createRevocationWriter({ redis, prefix, clockToleranceSec: 5 });
    const received: string[] = [];
    await listener.subscribe(keys.channel);
    listener.on('message', (_channel, message) => received.push(message));

    const exp = nowSec() + 60;
    const receivers = await writer.revokeToken({ jti: 'abc', exp });

    expect(receivers).toBe(1);
    expect(await redis.get(keys.entry('jti', 'abc'))).toBe('1');
    expect(await redis.call('EXPIRETIME', keys.entry('jti', 'abc'))).toBe(exp + 5);
    expect(await redis.zscore(keys.index, 'jti:abc')).toBe(String(exp + 5));
    await expect.poll(() => received.length).toBe(1);
    expect(JSON.parse(received[0]!)).toMatchObject({
      v: 1,
      type: 'revoked',
      entry: { kind: 'jti', id: 'abc', exp: exp + 5 },
    });
    await listener.unsubscribe(keys.channel);
    await cleanup(prefix);
  });

  it('is idempotent and never shortens an expiry', async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const writer = createRevocationWriter({ redis, prefix, clockToleranceSec: 0 });
    const exp = nowSec() + 100;
    await writer.revokeSession({ sid: 's1', exp });
    await writer.revokeSession({ sid: 's1', exp });
    await writer.revokeSession({ sid: 's1', exp: exp - 50 });
    expect(await redis.call('EXPIRETIME', keys.entry('sid', 's1'))).toBe(exp);
    expect(await redis.zrange(keys.index, 0, -1)).toEqual(['sid:s1']);
    await cleanup(prefix);
  });

  it("moves a user's not-before forward only and keeps one index member for it", async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const writer = createRevocationWriter({ redis, prefix, clockToleranceSec: 0 });
    const t = nowSec();
    await writer.revokeUserBefore({ sub: 'u:1', notBefore: t, exp: t + 100 });
    await writer.revokeUserBefore({ sub: 'u:1', notBefore: t + 10, exp: t + 110 });
    await writer.revokeUserBefore({ sub: 'u:1', notBefore: t + 5, exp: t + 105 });
    expect(await redis.get(keys.entry('sub', 'u:1'))).toBe(String(t + 10));
    expect(await redis.zrange(keys.index, 0, -1)).toEqual([`sub:${t + 10}:u:1`]);
    await cleanup(prefix);
  });

  it('skips entries that have already expired instead of writing EX 0', async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const writer = createRevocationWriter({ redis, prefix, clockToleranceSec: 5 });
    expect(await writer.revokeToken({ jti: 'old', exp: nowSec() - 10 })).toBe(0);
    expect(await redis.exists(keys.entry('jti', 'old'))).toBe(0);
    // Inside the tolerance window it is still written: verifiers may still accept it.
    await writer.revokeToken({ jti: 'edge', exp: nowSec() - 1 });
    expect(await redis.exists(keys.entry('jti', 'edge'))).toBe(1);
    await cleanup(prefix);
  });

  it('rejects a malformed entry and writes nothing', async () => {
    const prefix = testPrefix('writer');
    const writer = createRevocationWriter({ redis, prefix });
    await expect(writer.revokeToken({ jti: '', exp: nowSec() + 10 })).rejects.toThrow();
    await expect(writer.write({ kind: 'nope', id: 'x', exp: 1 } as never)).rejects.toThrow();
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
  });

  it('seeds many entries without events, then sets a new epoch with a resync event', async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const writer = createRevocationWriter({ redis, prefix });
    const received: string[] = [];
    await listener.subscribe(keys.channel);
    listener.on('message', (_channel, message) => received.push(message));
    const exp = nowSec() + 60;
    const entries = Array.from({ length: 2500 }, (_, i) => ({ kind: 'jti' as const, id: `t${i}`, exp }));
    expect(await writer.seed(entries)).toBe(2500);
    expect(await redis.zcard(keys.index)).toBe(2500);
    expect(await writer.readEpoch()).toBeNull();
    const epoch = await writer.setEpoch();
    expect(await writer.readEpoch()).toBe(epoch);
    await expect.poll(() => received.length).toBe(1);
    expect(JSON.parse(received[0]!)).toMatchObject({ type: 'resync', epoch });
    // Seeding appends nothing to the stream; the resync does, so a resuming feed sees the epoch change.
    const stream = await redis.xrange(keys.stream, '-', '+');
    expect(stream).toHaveLength(1);
    expect(JSON.parse(stream[0]![1][1]!)).toMatchObject({ type: 'resync', epoch });
    await listener.unsubscribe(keys.channel);
    await cleanup(prefix);
  });

  it('appends each announced revocation to the stream, and the event names its stream id', async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const writer = createRevocationWriter({ redis, prefix, clockToleranceSec: 5 });
    const received: string[] = [];
    await listener.subscribe(keys.channel);
    listener.on('message', (_channel, message) => received.push(message));
    const exp = nowSec() + 60;
    await writer.revokeToken({ jti: 'first', exp });
    await writer.revokeSession({ sid: 'second', exp });
    await expect.poll(() => received.length).toBe(2);
    const stream = await redis.xrange(keys.stream, '-', '+');
    expect(stream.map(([, fields]) => fields[0])).toEqual(['e', 'e']);
    for (const [i, [id, fields]] of stream.entries()) {
      const { pos, ...announced } = JSON.parse(received[i]!);
      expect(pos).toBe(id);
      // The stream holds the same event, without its own id.
      expect(JSON.parse(fields[1]!)).toEqual(announced);
    }
    expect(JSON.parse(received[1]!)).toMatchObject({ entry: { kind: 'sid', id: 'second', exp: exp + 5 } });
    await listener.unsubscribe(keys.channel);
    await cleanup(prefix);
  });

  it('trims the stream by age: entries older than the retention go as new ones come', async () => {
    const prefix = testPrefix('writer');
    const keys = revocationKeys(prefix);
    const exp = nowSec() + 60;
    const writer = createRevocationWriter({ redis, prefix, streamRetentionMs: 60_000 });
    await writer.writeAll(
      Array.from({ length: 300 }, (_, i) => ({ kind: 'jti' as const, id: `old${i}`, exp })),
    );
    expect(await redis.xlen(keys.stream)).toBe(300);
    // A writer that keeps entries for 1 ms: everything before is old enough to go.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const later = createRevocationWriter({ redis, prefix, streamRetentionMs: 1 });
    await later.revokeToken({ jti: 'new', exp });
    // `MINID ~` drops whole nodes of the stream (100 entries each by default), never the newest entry.
    const length = await redis.xlen(keys.stream);
    expect(length).toBeLessThan(301 - 100);
    const [last] = await redis.xrevrange(keys.stream, '+', '-', 'COUNT', 1);
    expect(JSON.parse(last![1][1]!)).toMatchObject({ entry: { id: 'new' } });
    await cleanup(prefix);
  });
});

describe('issuer policy', () => {
  it('round-trips through Redis, is null when absent, and refuses a value it cannot read', async () => {
    const prefix = testPrefix('policy');
    const keys = revocationKeys(prefix);
    try {
      expect(await readIssuerPolicy(redis, keys)).toBeNull();
      await writeIssuerPolicy(redis, keys, { clockToleranceSec: 5, maxTokenLifetimeSec: 900 });
      expect(await readIssuerPolicy(redis, keys)).toEqual({ clockToleranceSec: 5, maxTokenLifetimeSec: 900 });
      expect(await redis.ttl(keys.policy)).toBe(-1);
      await redis.set(keys.policy, JSON.stringify({ v: 2, clockToleranceSec: 5 }));
      await expect(readIssuerPolicy(redis, keys)).rejects.toThrow(IssuerPolicyError);
    } finally {
      await cleanup(prefix);
    }
  });
});
