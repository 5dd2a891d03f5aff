import { testPrefix } from '@revoke/auth/testing';
import { describe, expect, it } from 'vitest';
import { withFreezableRedis } from '../testing/freezable-redis.ts';
import { useRedisPrefixes } from '../testing/redis-prefixes.ts';
import { withUnreachableRedis } from '../testing/unreachable-redis.ts';
import { createLoginRateLimiter, type LoginAttempt, type LoginRateLimiterOptions } from './rate-limit.ts';

const shared = useRedisPrefixes();

function limiterFor(options: Partial<LoginRateLimiterOptions> = {}) {
  const prefix = shared.prefix('login-limit');
  return { prefix, limiter: createLoginRateLimiter({ redis: shared.redis(), prefix, ...options }) };
}

async function fail(limiter: ReturnType<typeof createLoginRateLimiter>, attempt: LoginAttempt) {
  const result = await limiter.check(attempt);
  if (result.allowed) await limiter.recordFailure(attempt);
  return result;
}

const alice: LoginAttempt = { ip: '203.0.113.7', email: 'alice@example.org' };

describe('login rate limiting on Redis', () => {
  it('blocks an account from one IP after N failures, with a Retry-After within the window', async () => {
    const { limiter } = limiterFor({ perAccount: { points: 10, durationSec: 900 } });
    for (let i = 0; i < 10; i++) expect(await fail(limiter, alice)).toEqual({ allowed: true });
    const blocked = await limiter.check(alice);
    expect(blocked.allowed).toBe(false);
    if (!blocked.allowed) {
      expect(blocked.retryAfterSec).toBeGreaterThan(0);
      expect(blocked.retryAfterSec).toBeLessThanOrEqual(900);
    }
    // Per account AND IP: the same account from elsewhere, and another account from here, still work.
    expect(await limiter.check({ ...alice, ip: '198.51.100.1' })).toEqual({ allowed: true });
    expect(await limiter.check({ ...alice, email: 'bob@example.org' })).toEqual({ allowed: true });
  });

  it('a success resets the account counter', async () => {
    const { limiter } = limiterFor({ perAccount: { points: 3, durationSec: 900 } });
    await fail(limiter, alice);
    await fail(limiter, alice);
    expect(await limiter.check(alice)).toEqual({ allowed: true });
    await limiter.recordSuccess(alice);
    for (let i = 0; i < 3; i++) expect(await fail(limiter, alice)).toEqual({ allowed: true });
    expect((await limiter.check(alice)).allowed).toBe(false);
  });

  it('limits attempts per IP, across accounts', async () => {
    const { limiter } = limiterFor({ perIp: { points: 5, durationSec: 60 } });
    for (let i = 0; i < 5; i++) {
      expect(await limiter.check({ ip: alice.ip, email: `user${i}@example.org` })).toEqual({ allowed: true });
    }
    const blocked = await limiter.check({ ip: alice.ip, email: 'another@example.org' });
    expect(blocked).toMatchObject({ allowed: false });
    if (!blocked.allowed) expect(blocked.retryAfterSec).toBeGreaterThan(0);
    // Another address in the same IPv6 /64 is the same client; another IPv4 address is not.
    expect(await limiter.check({ ip: '198.51.100.1', email: 'x@example.org' })).toEqual({ allowed: true });
  });

  it('one IPv6 /64 is one client', async () => {
    const { limiter } = limiterFor({ perIp: { points: 2, durationSec: 60 } });
    await limiter.check({ ip: '2001:db8:1:2::1', email: 'a@example.org' });
    await limiter.check({ ip: '2001:db8:1:2:ffff::9', email: 'b@example.org' });
    expect((await limiter.check({ ip: '2001:db8:1:2:abcd::1', email: 'c@example.org' })).allowed).toBe(false);
    expect((await limiter.check({ ip: '2001:db8:1:3::1', email: 'c@example.org' })).allowed).toBe(true);
  });

  it('concurrent guesses cannot all pass a check made before any failed', async () => {
    const { limiter } = limiterFor({ perAccount: { points: 10, durationSec: 900 } });
    const results = await Promise.all(Array.from({ length: 25 }, () => limiter.check(alice)));
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
  });

  it('keys live under the prefix, expire, and hold no e-mail or address', async () => {
    const { prefix, limiter } = limiterFor();
    const kinds = (keys: string[]) => keys.map((key) => key.slice(prefix.length).split(':')[0]).sort();
    await fail(limiter, alice);
    const afterFailure = await shared.scanKeys(prefix);
    // Per address, per account + address, per account from anywhere.
    expect(kinds(afterFailure)).toEqual(['account', 'account-all', 'ip']);
    expect(await limiter.check(alice)).toEqual({ allowed: true });
    await limiter.recordSuccess(alice);
    const afterSuccess = await shared.scanKeys(prefix);
    // The account + address counter starts again; the address is known now.
    expect(kinds(afterSuccess)).toEqual(['account-all', 'ip', 'known']);
    for (const key of [...afterFailure, ...afterSuccess]) {
      expect(key).toMatch(new RegExp(`^${prefix}[a-z-]+:[A-Za-z0-9_-]{43}$`));
      expect(key).not.toContain('alice');
      expect(key).not.toContain('203.0.113.7');
    }
    for (const key of afterSuccess) {
      const ttl = await shared.redis().ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(key.startsWith(`${prefix}known:`) ? 30 * 86_400 : 900);
    }
  });
});

/** `count` distinct IPv4 addresses of 198.51.100.0/24, from .1 on. */
const addresses = (count: number, from = 1) =>
  Array.from({ length: count }, (_, i) => `198.51.100.${from + i}`);

describe('the account-wide budget: guesses spread over many addresses', () => {
  // Regression: from 39 addresses, 390 wrong passwords for one account were checked without a 429.
  it('failures for one account from many addresses share one budget, then every new address is refused', async () => {
    const { limiter } = limiterFor({ perAccountAnywhere: { points: 20, durationSec: 900 } });
    const results = [];
    for (const ip of addresses(39)) {
      for (let i = 0; i < 3; i++) results.push(await fail(limiter, { ip, email: alice.email }));
    }
    expect(results.filter((result) => result.allowed)).toHaveLength(20);
    expect(results.slice(20).every((result) => !result.allowed)).toBe(true);
    const refused = await limiter.check({ ip: '192.0.2.1', email: alice.email });
    expect(refused.allowed).toBe(false);
    // The first lockout lasts one window.
    if (!refused.allowed) expect(refused.retryAfterSec).toBeGreaterThan(890);
    // Another account is not locked by it.
    expect(await limiter.check({ ip: '192.0.2.1', email: 'bob@example.org' })).toEqual({ allowed: true });
  });

  it('an address the account signed in from keeps its own per account + address budget', async () => {
    const { limiter } = limiterFor({
      perAccount: { points: 3, durationSec: 900 },
      perAccountAnywhere: { points: 5, durationSec: 900 },
    });
    expect(await limiter.check(alice)).toEqual({ allowed: true });
    await limiter.recordSuccess(alice);
    for (const ip of addresses(10)) await fail(limiter, { ip, email: alice.email });
    expect((await limiter.check({ ip: '192.0.2.1', email: alice.email })).allowed).toBe(false);
    // The owner's usual place: still in, also from another address of its IPv6 /64 when it is one.
    expect(await limiter.check(alice)).toEqual({ allowed: true });
    await limiter.recordSuccess(alice);
    // Its own budget still holds: three failures there, then refused there too.
    for (let i = 0; i < 3; i++) expect(await fail(limiter, alice)).toEqual({ allowed: true });
    expect((await limiter.check(alice)).allowed).toBe(false);
  });

  it('one IPv6 /64 the account signed in from is known as a whole', async () => {
    const { limiter } = limiterFor({ perAccountAnywhere: { points: 2, durationSec: 900 } });
    const home = { ip: '2001:db8:1:2::10', email: alice.email };
    expect(await limiter.check(home)).toEqual({ allowed: true });
    await limiter.recordSuccess(home);
    for (const ip of addresses(3)) await fail(limiter, { ip, email: alice.email });
    expect(await limiter.check({ ip: '2001:db8:1:2:ffff::7', email: alice.email })).toEqual({
      allowed: true,
    });
    expect((await limiter.check({ ip: '2001:db8:1:3::10', email: alice.email })).allowed).toBe(false);
  });

  it('concurrent guesses from many addresses cannot all pass a check made before any failed', async () => {
    const { limiter } = limiterFor({ perAccountAnywhere: { points: 20, durationSec: 900 } });
    const results = await Promise.all(addresses(60).map((ip) => limiter.check({ ip, email: alice.email })));
    expect(results.filter((result) => result.allowed)).toHaveLength(20);
  });

  it('a success from a new address gives back the failure it reserved', async () => {
    const { limiter } = limiterFor({ perAccountAnywhere: { points: 2, durationSec: 900 } });
    const [first, second, third, fourth] = addresses(4);
    expect(await limiter.check({ ip: first!, email: alice.email })).toEqual({ allowed: true });
    await limiter.recordSuccess({ ip: first!, email: alice.email });
    expect(await fail(limiter, { ip: second!, email: alice.email })).toEqual({ allowed: true });
    expect(await fail(limiter, { ip: third!, email: alice.email })).toEqual({ allowed: true });
    expect((await limiter.check({ ip: fourth!, email: alice.email })).allowed).toBe(false);
  });

  it('each further lockout within a day lasts twice as long, up to the cap', async () => {
    const { limiter } = limiterFor({
      perAccountAnywhere: { points: 2, durationSec: 1 },
      maxLockoutSec: 3,
    });
    const lockouts: number[] = [];
    let next = 1;
    for (const wait of [1, 2, 3]) {
      for (const ip of addresses(2, next))
        expect(await fail(limiter, { ip, email: alice.email })).toEqual({ allowed: true });
      next += 2;
      const refused = await limiter.check({ ip: addresses(1, next++)[0]!, email: alice.email });
      expect(refused.allowed).toBe(false);
      if (!refused.allowed) lockouts.push(refused.retryAfterSec);
      // Still locked just before the end: the lockout, not the one-second window, decides.
      if (wait > 1) {
        await new Promise((resolve) => setTimeout(resolve, (wait - 1) * 1000));
        expect((await limiter.check({ ip: addresses(1, next++)[0]!, email: alice.email })).allowed).toBe(
          false,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    expect(lockouts).toEqual([1, 2, 3]);
  });
});

describe('login rate limiting while Redis is unavailable', () => {
  it('a client that is not connected: the in-memory insurance still limits logins', async () => {
    await withUnreachableRedis(async (down) => {
      const limiter = createLoginRateLimiter({
        redis: down,
        prefix: testPrefix('down'),
        perAccount: { points: 3, durationSec: 60 },
      });
      for (let i = 0; i < 3; i++) expect(await fail(limiter, alice)).toEqual({ allowed: true });
      const blocked = await limiter.check(alice);
      expect(blocked.allowed).toBe(false);
      if (!blocked.allowed) expect(blocked.retryAfterSec).toBeGreaterThan(0);
      await limiter.recordSuccess(alice);
      expect(await limiter.check(alice)).toEqual({ allowed: true });
    });
  });

  it('a client that is not connected: the account-wide budget still holds, in memory', async () => {
    await withUnreachableRedis(async (down) => {
      const limiter = createLoginRateLimiter({
        redis: down,
        prefix: testPrefix('down-anywhere'),
        perAccountAnywhere: { points: 3, durationSec: 60 },
      });
      for (const ip of addresses(3))
        expect(await fail(limiter, { ip, email: alice.email })).toEqual({ allowed: true });
      const refused = await limiter.check({ ip: '192.0.2.1', email: alice.email });
      expect(refused).toMatchObject({ allowed: false });
    });
  });

  it('a frozen Redis: calls time out quickly and fall back to memory instead of hanging the login', async () => {
    await withFreezableRedis({ maxRetriesPerRequest: 1 }, async (server, client) => {
      const limiter = createLoginRateLimiter({
        redis: client,
        prefix: testPrefix('frozen'),
        perAccount: { points: 2, durationSec: 60 },
        redisTimeoutMs: 200,
      });
      expect(await limiter.check(alice)).toEqual({ allowed: true });
      server.freeze();
      // SIGSTOP lands asynchronously: commands sent at once may still be answered.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      // Redis counted one failure, memory starts from zero: two more pass, then memory blocks.
      expect(await limiter.check(alice)).toEqual({ allowed: true });
      expect(await limiter.check(alice)).toEqual({ allowed: true });
      expect((await limiter.check(alice)).allowed).toBe(false);
      const elapsed = performance.now() - started;
      // Each call waited for the timeout (so Redis really was silent), not for a reconnect.
      expect(elapsed).toBeGreaterThanOrEqual(3 * 200);
      expect(elapsed).toBeLessThan(3_000);
      await limiter.recordSuccess(alice);
      expect(await limiter.check(alice)).toEqual({ allowed: true });
    });
  });

  it('an attempt that timed out and whose command failed later counts once, not twice', async () => {
    // The command fails (commandTimeout) after the limiter already gave up on it (redisTimeoutMs).
    await withFreezableRedis({ maxRetriesPerRequest: 1, commandTimeout: 300 }, async (server, client) => {
      const limiter = createLoginRateLimiter({
        redis: client,
        prefix: testPrefix('late-failure'),
        perAccount: { points: 2, durationSec: 60 },
        redisTimeoutMs: 100,
      });
      server.freeze();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await limiter.check(alice)).toEqual({ allowed: true });
      // Let the abandoned commands fail: they must not be counted again in memory.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await limiter.check(alice)).toEqual({ allowed: true });
      expect((await limiter.check(alice)).allowed).toBe(false);
    });
  });
});
