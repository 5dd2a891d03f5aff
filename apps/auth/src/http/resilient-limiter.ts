import { createHash } from 'node:crypto';
import type { RedisClient } from '@revoke/auth/writer';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';

/** `points` per fixed window of `durationSec`. */
export interface RateLimitRule {
  points: number;
  durationSec: number;
}

/** Whether a call may proceed; when not, `retryAfterSec` is for the `Retry-After` header. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSec: number };

/** The decision that lets a call through. */
export const ALLOWED: RateLimitDecision = Object.freeze({ allowed: true });

/** `rule`, or a `RangeError` naming `name` when it is not whole positive numbers. */
export function checkedRule(name: string, rule: RateLimitRule): RateLimitRule {
  if (!Number.isSafeInteger(rule.points) || rule.points < 1) {
    throw new RangeError(`${name}.points must be a positive integer`);
  }
  if (!Number.isSafeInteger(rule.durationSec) || rule.durationSec < 1) {
    throw new RangeError(`${name}.durationSec must be a positive integer`);
  }
  return rule;
}

/**
 * The key of a counter: a digest of what it counts (an address, an e-mail, a user id), so its
 * length is bounded whatever the input and no e-mail or address is stored in Redis.
 */
export function limitKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

/**
 * The refusal a limiter's rejection stands for. rate-limiter-flexible rejects with a
 * `RateLimiterRes` when over the limit, and with an `Error` only when the store failed and no
 * insurance took over: that one is not ours to swallow, so it is thrown again.
 */
export function refusalOf(rejection: unknown): RateLimitDecision {
  if (!(rejection instanceof RateLimiterRes)) throw rejection;
  return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
}

/** Options of {@link createResilientLimiter}. */
export interface ResilientLimiterOptions {
  /** Used for commands only; a Redis Cluster works too (each counter is one key, so one slot). */
  redis: RedisClient;
  /** Namespace of this counter's keys. */
  keyPrefix: string;
  rule: RateLimitRule;
  /** A Redis call slower than this counts as Redis being down. */
  timeoutMs: number;
}

/** A Redis counter and the in-memory one that stands in for it while Redis cannot answer. */
export interface ResilientLimiter {
  /** Consume, block, reward or delete here: Redis first, memory when Redis fails or is slow. */
  limiter: RLWrapperTimeouts;
  /** The stand-in alone, to forget what it counted during an outage (a delete must reach both). */
  insurance: RateLimiterMemory;
}

/**
 * A fixed-window counter on Redis (one atomic Lua increment per call), so every auth process
 * shares the counts, that still limits when Redis is down, slow or not connected: an in-memory
 * insurance limiter with the same rule takes over for the calls Redis cannot answer
 * (`rejectIfRedisNotReady` switches at once instead of queueing behind a reconnect, and a timeout
 * covers a frozen server). Those counts are per process and are not copied back to Redis, so
 * during an outage a limit holds per process, not across the fleet: looser by the number of
 * processes, never open.
 */
export function createResilientLimiter(options: ResilientLimiterOptions): ResilientLimiter {
  const { keyPrefix, rule } = options;
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
    limiter: new RLWrapperTimeouts({
      limiter: redis,
      timeoutMs: options.timeoutMs,
      insuranceLimiter: insurance,
    }),
    insurance,
  };
}
