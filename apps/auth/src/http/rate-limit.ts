import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { RedisClient } from '@revoke/auth';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';

/** One login attempt: where it comes from and which account it targets (the normalised e-mail). */
export interface LoginAttempt {
  ip: string;
  email: string;
}

/** Whether a login attempt may proceed; when not, `retryAfterSec` is for the `Retry-After` header. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSec: number };

/** Login throttling per client IP and per account + IP. */
export interface LoginRateLimiter {
  /**
   * Counts the attempt against the IP and reserves one failure against the account + IP, before
   * the password is checked. Reserving up front (rather than counting only once a failure is
   * known) is what stops N concurrent guesses from all passing a check made before any failed.
   */
  check(input: LoginAttempt): Promise<RateLimitDecision>;
  /** The attempt failed: the failure {@link LoginRateLimiter.check} reserved stands (no write needed). */
  recordFailure(input: LoginAttempt): Promise<void>;
  /** The attempt succeeded: the account + IP failure counter starts again from zero. */
  recordSuccess(input: LoginAttempt): Promise<void>;
}

/** `points` attempts per fixed window of `durationSec`. */
export interface RateLimitRule {
  points: number;
  durationSec: number;
}

/** Options of {@link createLoginRateLimiter}. */
export interface LoginRateLimiterOptions {
  /**
   * A client of its own or shared; used for commands only. A Redis Cluster works too: each counter is
   * one key, so each script call stays in one slot.
   */
  redis: RedisClient;
  /** Namespace of every key (default `auth:login-limit:`). */
  prefix?: string;
  /** Attempts per IP, successful or not (default 100 per 15 min). */
  perIp?: RateLimitRule;
  /** Failed attempts per account from one IP (default 10 per 15 min). */
  perAccount?: RateLimitRule;
  /**
   * A Redis call slower than this counts as Redis being down (default 250 ms). A check makes two
   * calls, so a frozen Redis adds at most twice this to a login.
   */
  redisTimeoutMs?: number;
}

function checkedRule(name: string, rule: RateLimitRule): RateLimitRule {
  if (!Number.isSafeInteger(rule.points) || rule.points < 1) {
    throw new RangeError(`${name}.points must be a positive integer`);
  }
  if (!Number.isSafeInteger(rule.durationSec) || rule.durationSec < 1) {
    throw new RangeError(`${name}.durationSec must be a positive integer`);
  }
  return rule;
}

/**
 * The unit a client IP is limited by: the IPv4 address (also when written IPv4-mapped, as a dual
 * stack server reports it), or the /64 of an IPv6 address, since one subscriber usually holds a
 * whole /64 and could otherwise rotate through 2^64 "different" clients.
 */
export function ipRateLimitBucket(ip: string): string {
  const address = ip.trim().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const headGroups = groups(head);
  const tailGroups = tail === undefined ? [] : groups(tail);
  // An embedded dotted IPv4 address fills two groups.
  const tailSize = tailGroups.length + (tailGroups.at(-1)?.includes('.') ? 1 : 0);
  const full =
    tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailSize).fill('0')];
  const prefix = [...full, '0', '0', '0', '0'].slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
  return `${prefix.join(':')}::/64`;
}

// Keys carry digests, not addresses: bounded length whatever the input, and no e-mail in Redis.
function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

function decision(rejection: unknown): RateLimitDecision {
  // rate-limiter-flexible rejects with a RateLimiterRes when over the limit, and with an Error
  // only when the store failed and no insurance took over: that one is not ours to swallow.
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
}

/**
 * A {@link LoginRateLimiter} on Redis (rate-limiter-flexible, fixed windows, one atomic Lua
 * increment per counter), so every auth process shares the counts.
 *
 * When Redis is down, slow or not connected, logins are still limited: each counter has an
 * in-memory insurance limiter with the same rule, which takes over for the calls Redis cannot
 * answer (`rejectIfRedisNotReady` switches at once instead of queueing behind a reconnect, and a
 * timeout covers a frozen server). Those counts are per process and are not copied back to Redis,
 * so during an outage the limits hold per process, not across the fleet: looser by the number of
 * processes, never open.
 */
export function createLoginRateLimiter(options: LoginRateLimiterOptions): LoginRateLimiter {
  const prefix = options.prefix ?? 'auth:login-limit:';
  const perIp = checkedRule('perIp', options.perIp ?? { points: 100, durationSec: 15 * 60 });
  const perAccount = checkedRule('perAccount', options.perAccount ?? { points: 10, durationSec: 15 * 60 });
  const timeoutMs = options.redisTimeoutMs ?? 250;

  function limiter(name: string, rule: RateLimitRule) {
    const keyPrefix = `${prefix}${name}`;
    const insurance = new RateLimiterMemory({ keyPrefix, points: rule.points, duration: rule.durationSec });
    const redis = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix,
      points: rule.points,
      duration: rule.durationSec,
      rejectIfRedisNotReady: true,
    });
    // Insurance on the wrapper only: a Redis error and a timeout both reach it there, once. On the
    // inner limiter as well, a call that timed out and later failed would count twice in memory.
    return {
      limiter: new RLWrapperTimeouts({ limiter: redis, timeoutMs, insuranceLimiter: insurance }),
      insurance,
    };
  }

  const ip = limiter('ip', perIp);
  const account = limiter('account', perAccount);
  const accountKey = (input: LoginAttempt) => digest(input.email, ipRateLimitBucket(input.ip));

  return {
    async check(input) {
      try {
        await ip.limiter.consume(digest(ipRateLimitBucket(input.ip)));
        await account.limiter.consume(accountKey(input));
        return { allowed: true };
      } catch (rejection) {
        return decision(rejection);
      }
    },
    async recordFailure() {},
    async recordSuccess(input) {
      const key = accountKey(input);
      // Both stores: failures counted in memory during an outage must not outlive the success either.
      await Promise.all([account.limiter.delete(key), account.insurance.delete(key)]);
    },
  };
}
