import type { RedisClient } from '@revoke/auth/writer';
import { RateLimiterRes } from 'rate-limiter-flexible';
import {
  ALLOWED,
  checkedRule,
  createResilientLimiter,
  type RateLimitDecision,
  type RateLimitRule,
  refusalOf,
} from './resilient-limiter.ts';

/** Lockouts of one account are "consecutive" (each twice as long) within this long of the first. */
const LOCKOUT_MEMORY_SEC = 24 * 3600;

/**
 * Failed sign-ins per account, from whatever address: the budget a botnet spreading guesses over
 * many addresses runs into. Exhausting it locks the account for a while, longer each time.
 */
export interface AccountLockout {
  /**
   * Reserves one failure against the account, before the password is checked (so concurrent
   * guesses cannot all pass a check made before any failed); refused while the account is locked.
   */
  reserve(accountKey: string): Promise<RateLimitDecision>;
  /** Gives back a failure {@link AccountLockout.reserve} took: the attempt succeeded. */
  release(accountKey: string): Promise<void>;
}

/** Options of {@link createAccountLockout}. */
export interface AccountLockoutOptions {
  redis: RedisClient;
  /** Namespace of every key. */
  prefix: string;
  /** Failures per account within a window; the first lockout lasts one window. */
  failures: RateLimitRule;
  /** The longest a lockout lasts, however many came before it. */
  maxLockoutSec: number;
  /** A Redis call slower than this counts as Redis being down. */
  timeoutMs: number;
}

/**
 * An {@link AccountLockout} on rate-limiter-flexible counters (see `resilient-limiter.ts` for Redis
 * down). The n-th lockout within a day lasts `failures.durationSec × 2^(n-1)`, at most
 * `maxLockoutSec`. Exactly one attempt starts each lockout: the Lua increment is atomic, so only one
 * caller sees the count go from `points` to `points + 1`; the attempts refused during the lockout
 * only push the count further.
 */
export function createAccountLockout(options: AccountLockoutOptions): AccountLockout {
  const rule = checkedRule('failures', options.failures);
  if (!Number.isSafeInteger(options.maxLockoutSec) || options.maxLockoutSec < 1) {
    throw new RangeError('maxLockoutSec must be a positive integer');
  }
  const failures = createResilientLimiter({
    redis: options.redis,
    keyPrefix: `${options.prefix}account-all`,
    rule,
    timeoutMs: options.timeoutMs,
  });
  // A counter, never a limit: nobody is refused by it, it only says which lockout this is.
  const lockouts = createResilientLimiter({
    redis: options.redis,
    keyPrefix: `${options.prefix}lockouts`,
    rule: { points: Number.MAX_SAFE_INTEGER, durationSec: LOCKOUT_MEMORY_SEC },
    timeoutMs: options.timeoutMs,
  });

  async function lockOut(accountKey: string): Promise<RateLimitDecision> {
    const { consumedPoints: nth } = await lockouts.limiter.consume(accountKey);
    const lockoutSec = Math.min(options.maxLockoutSec, rule.durationSec * 2 ** Math.min(nth - 1, 30));
    await failures.limiter.block(accountKey, lockoutSec);
    return { allowed: false, retryAfterSec: lockoutSec };
  }

  return {
    async reserve(accountKey) {
      try {
        await failures.limiter.consume(accountKey);
        return ALLOWED;
      } catch (rejection) {
        const exhaustedNow =
          rejection instanceof RateLimiterRes && rejection.consumedPoints === rule.points + 1;
        return exhaustedNow ? lockOut(accountKey) : refusalOf(rejection);
      }
    },
    async release(accountKey) {
      await failures.limiter.reward(accountKey);
    },
  };
}
