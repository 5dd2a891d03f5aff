import type { RedisClient } from '@revoke/auth/writer';
import {
  ALLOWED,
  checkedRule,
  createResilientLimiter,
  limitKey,
  type RateLimitDecision,
  type RateLimitRule,
  refusalOf,
} from './resilient-limiter.ts';

/** Calls per subject (an address, a user, a session) within a fixed window. */
export interface Budget {
  /** Counts one call against `subject`, before the work it stands for; refused past the budget. */
  consume(subject: string): Promise<RateLimitDecision>;
  /**
   * Gives back the call `consume` counted when it turned out to cost nothing (a session that was not
   * the caller's): otherwise a stranger could spend someone's budget on calls that change nothing.
   */
  refund(subject: string): Promise<void>;
}

/** Options of {@link createBudget}. */
export interface BudgetOptions {
  redis: RedisClient;
  /** Namespace of this budget's keys. */
  prefix: string;
  rule: RateLimitRule;
  /** A Redis call slower than this counts as Redis being down (default 250 ms). */
  redisTimeoutMs?: number;
}

/**
 * A {@link Budget} shared by every auth process through Redis, kept per process while Redis is
 * down (`resilient-limiter.ts`). Keys are digests of the subject, with the window as TTL.
 */
export function createBudget(options: BudgetOptions): Budget {
  const { limiter } = createResilientLimiter({
    redis: options.redis,
    keyPrefix: options.prefix,
    rule: checkedRule('rule', options.rule),
    timeoutMs: options.redisTimeoutMs ?? 250,
  });
  return {
    async consume(subject) {
      try {
        await limiter.consume(limitKey(subject));
        return ALLOWED;
      } catch (rejection) {
        return refusalOf(rejection);
      }
    },
    async refund(subject) {
      // Best effort: a refund lost while Redis is down only leaves the count one too high.
      await limiter.reward(limitKey(subject), 1).catch(() => {});
    },
  };
}
