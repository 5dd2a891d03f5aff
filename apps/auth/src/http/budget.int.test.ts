import { testPrefix } from '@revoke/auth/testing';
import { describe, expect, it } from 'vitest';
import { useRedisPrefixes } from '../testing/redis-prefixes.ts';
import { withUnreachableRedis } from '../testing/unreachable-redis.ts';
import { type BudgetOptions, createBudget } from './budget.ts';

const shared = useRedisPrefixes();

function budgetFor(options: Partial<BudgetOptions> = {}) {
  const prefix = shared.prefix('budget');
  return {
    prefix,
    budget: createBudget({
      redis: shared.redis(),
      prefix,
      rule: { points: 3, durationSec: 600 },
      ...options,
    }),
  };
}

describe('a budget on Redis', () => {
  it('allows `points` calls per subject, then refuses with a Retry-After within the window', async () => {
    const { budget } = budgetFor();
    for (let i = 0; i < 3; i++) expect(await budget.consume('user-1')).toEqual({ allowed: true });
    const refused = await budget.consume('user-1');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSec).toBeGreaterThan(590);
      expect(refused.retryAfterSec).toBeLessThanOrEqual(600);
    }
    expect(await budget.consume('user-2')).toEqual({ allowed: true });
  });

  it('is shared by every process: two budgets on one prefix count together', async () => {
    const { prefix, budget } = budgetFor();
    const other = createBudget({ redis: shared.redis(), prefix, rule: { points: 3, durationSec: 600 } });
    await budget.consume('user-1');
    await other.consume('user-1');
    await budget.consume('user-1');
    expect((await other.consume('user-1')).allowed).toBe(false);
  });

  it('concurrent calls cannot all pass', async () => {
    const { budget } = budgetFor({ rule: { points: 10, durationSec: 600 } });
    const results = await Promise.all(Array.from({ length: 30 }, () => budget.consume('user-1')));
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
  });

  it('keys live under the prefix, expire with the window, and hold a digest, not the subject', async () => {
    const { prefix, budget } = budgetFor();
    await budget.consume('203.0.113.7');
    const keys = await shared.scanKeys(prefix);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(new RegExp(`^${prefix}:[A-Za-z0-9_-]{43}$`));
    const ttl = await shared.redis().ttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('a client that is not connected: the budget still holds, in memory', async () => {
    await withUnreachableRedis(async (down) => {
      const budget = createBudget({
        redis: down,
        prefix: testPrefix('down'),
        rule: { points: 2, durationSec: 60 },
      });
      expect(await budget.consume('user-1')).toEqual({ allowed: true });
      expect(await budget.consume('user-1')).toEqual({ allowed: true });
      expect(await budget.consume('user-1')).toMatchObject({ allowed: false });
    });
  });

  it('refuses a rule that is not whole positive numbers', () => {
    expect(() =>
      createBudget({ redis: shared.redis(), prefix: 'x', rule: { points: 0, durationSec: 60 } }),
    ).toThrow(RangeError);
  });
});
