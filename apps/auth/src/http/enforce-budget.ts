import { TRPCError } from '@trpc/server';
import type { ReplyControl } from '../trpc.ts';
import type { Budget } from './budget.ts';

/**
 * Counts one call against `subject` and, past the budget, refuses it as login does: 429
 * TOO_MANY_REQUESTS with `Retry-After` (RFC 6585). Call it before the work, so a refused call
 * changes nothing.
 */
export async function enforceBudget(
  res: Pick<ReplyControl, 'header'>,
  budget: Pick<Budget, 'consume'>,
  subject: string,
): Promise<void> {
  const verdict = await budget.consume(subject);
  if (verdict.allowed) return;
  res.header('Retry-After', String(verdict.retryAfterSec));
  throw new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many requests; retry in ${verdict.retryAfterSec} s`,
  });
}
