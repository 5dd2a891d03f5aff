// The fleet workload's bench-side prototype of a herd mitigation, applied to the ZSCAN calls a feed's
// snapshot makes (`loadSnapshot`: ZSCAN <index> <cursor> COUNT <batch>). The feed itself is not
// changed: this stands in for an option it could have (see docs/scaling.md, "A thousand instances").

/** How the snapshots of one herd are shaped. */
export interface HerdPlan {
  /**
   * Each snapshot's scan starts after a random delay, uniform in [0, jitterMs): what a feed option
   * "random delay before a snapshot started by an epoch change" would do. 0: none (the feed today).
   */
  jitterMs: number;
  /** ZSCAN COUNT of every batch instead of the feed's own (5000); undefined: the feed's own. */
  batch?: number | undefined;
}

/**
 * What to send for one ZSCAN call of a feed (`args` as given to ioredis's `zscan`), and after how
 * long. Only the first call of a scan (cursor "0") is delayed: the rest of it follows as it would.
 * `random` is a number in [0, 1).
 */
export function plannedScan(
  plan: HerdPlan | undefined,
  args: readonly unknown[],
  random: number,
): { args: unknown[]; delayMs: number } {
  if (!plan) return { args: [...args], delayMs: 0 };
  const planned = [...args];
  const count = planned.findIndex((arg) => typeof arg === 'string' && arg.toUpperCase() === 'COUNT');
  if (plan.batch !== undefined && count >= 0 && count + 1 < planned.length) planned[count + 1] = plan.batch;
  const starts = String(args[1]) === '0';
  return { args: planned, delayMs: starts ? Math.floor(random * plan.jitterMs) : 0 };
}

/** A short name for a plan, for variant names: `ours`, `ours+jitter-2s`, `ours+batch-1000`. */
export function planName(plan: HerdPlan): string {
  const parts = ['ours'];
  if (plan.jitterMs > 0)
    parts.push(`jitter-${plan.jitterMs % 1000 === 0 ? `${plan.jitterMs / 1000}s` : `${plan.jitterMs}ms`}`);
  if (plan.batch !== undefined) parts.push(`batch-${plan.batch}`);
  return parts.join('+');
}
