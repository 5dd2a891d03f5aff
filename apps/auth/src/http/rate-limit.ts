import type { RedisClient } from '@revoke/auth/writer';
import { createAccountLockout } from './account-lockout.ts';
import { ipRateLimitBucket } from './ip-bucket.ts';
import { createKnownAddresses } from './known-addresses.ts';
import {
  ALLOWED,
  checkedRule,
  createResilientLimiter,
  limitKey,
  type RateLimitDecision,
  type RateLimitRule,
  refusalOf,
} from './resilient-limiter.ts';

/** One login attempt: where it comes from and which account it targets (the normalised e-mail). */
export interface LoginAttempt {
  ip: string;
  email: string;
}

/** Login throttling per client address, per account + address, and per account from anywhere. */
export interface LoginRateLimiter {
  /**
   * Counts the attempt against the address and reserves one failure against the account +
   * address and, unless the account signed in from this address recently, against the account
   * from anywhere; all before the password is checked. Reserving up front (rather than counting
   * only once a failure is known) is what stops N concurrent guesses from all passing a check
   * made before any failed.
   */
  check(input: LoginAttempt): Promise<RateLimitDecision>;
  /** The attempt failed: the failures {@link LoginRateLimiter.check} reserved stand (no write needed). */
  recordFailure(input: LoginAttempt): Promise<void>;
  /**
   * The attempt succeeded: the account + address failure counter starts again from zero, the
   * account-wide failure reserved for it is given back, and the address is known from now on.
   */
  recordSuccess(input: LoginAttempt): Promise<void>;
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
  /** Attempts per address, successful or not (default 100 per 15 min). */
  perIp?: RateLimitRule;
  /** Failed attempts per account from one address (default 10 per 15 min). */
  perAccount?: RateLimitRule;
  /**
   * Failed attempts per account from all the addresses it has not signed in from recently
   * (default 50 per 15 min). Past it those addresses are locked out for one window, twice as long
   * for each further lockout within a day, at most `maxLockoutSec`.
   */
  perAccountAnywhere?: RateLimitRule;
  /** The longest lockout (default 4 h). */
  maxLockoutSec?: number;
  /** How long an address the account signed in from stays exempt from the lockout (default 30 days). */
  knownAddressTtlSec?: number;
  /**
   * A Redis call slower than this counts as Redis being down (default 250 ms). A check makes up to
   * three calls one after the other (four when it starts a lockout), so a frozen Redis adds at most
   * that many times this to a login.
   */
  redisTimeoutMs?: number;
}

/**
 * A {@link LoginRateLimiter} on Redis, so every auth process shares the counts; while Redis is
 * down the limits hold per process (`resilient-limiter.ts`).
 *
 * Why the account-wide budget spares known addresses: counted per address only, guesses spread
 * over many addresses are never stopped (39 addresses × 10 = 390 per window); counted per account
 * only, anyone can lock the owner out by failing on purpose. Here the failures from everywhere
 * the account has not signed in from share one budget, and exhausting it refuses those addresses
 * only: where the owner signed in within the TTL keeps its own per account + address budget.
 */
export function createLoginRateLimiter(options: LoginRateLimiterOptions): LoginRateLimiter {
  const prefix = options.prefix ?? 'auth:login-limit:';
  const defaultWindowSec = 15 * 60;
  const timeoutMs = options.redisTimeoutMs ?? 250;
  const limiter = (name: string, rule: RateLimitRule) =>
    createResilientLimiter({ redis: options.redis, keyPrefix: `${prefix}${name}`, rule, timeoutMs });

  const ip = limiter(
    'ip',
    checkedRule('perIp', options.perIp ?? { points: 100, durationSec: defaultWindowSec }),
  );
  const account = limiter(
    'account',
    checkedRule('perAccount', options.perAccount ?? { points: 10, durationSec: defaultWindowSec }),
  );
  const anywhere = createAccountLockout({
    redis: options.redis,
    prefix,
    failures: options.perAccountAnywhere ?? { points: 50, durationSec: defaultWindowSec },
    maxLockoutSec: options.maxLockoutSec ?? 4 * 3600,
    timeoutMs,
  });
  const known = createKnownAddresses({
    redis: options.redis,
    prefix: `${prefix}known:`,
    ttlSec: options.knownAddressTtlSec ?? 30 * 24 * 3600,
    timeoutMs,
  });
  const accountKey = (input: LoginAttempt) => limitKey(input.email, ipRateLimitBucket(input.ip));

  return {
    async check(input) {
      try {
        const [, isKnown] = await Promise.all([
          ip.limiter.consume(limitKey(ipRateLimitBucket(input.ip))),
          known.has(input.email, input.ip),
        ]);
        await account.limiter.consume(accountKey(input));
        return isKnown ? ALLOWED : await anywhere.reserve(limitKey(input.email));
      } catch (rejection) {
        return refusalOf(rejection);
      }
    },
    async recordFailure() {},
    async recordSuccess(input) {
      const key = accountKey(input);
      const [wasKnown] = await Promise.all([
        known.remember(input.email, input.ip),
        // Both stores: failures counted in memory during an outage must not outlive the success either.
        account.limiter.delete(key),
        account.insurance.delete(key),
      ]);
      // Only an unknown address reserved an account-wide failure. Two successes at once from a new
      // address give back one: the second sees it known already, so the account keeps one point.
      if (wasKnown === false) await anywhere.release(limitKey(input.email));
    },
  };
}
