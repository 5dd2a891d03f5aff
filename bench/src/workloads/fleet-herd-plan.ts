// The herd variants of the fleet workload: the feed's own options that shape a reload after a re-seed.

/** How the snapshots of one herd are shaped: `RevocationFeedOptions` of every fleet feed. */
export interface HerdPlan {
  /** `resyncJitterMs`: each feed reloads after a random delay in [0, jitterMs). 0: at once (the default). */
  jitterMs: number;
  /** `snapshotBatch`: ZSCAN COUNT of every batch; undefined: the feed's default (1000). */
  batch?: number | undefined;
}

/** A short name for a plan, for variant names: `ours`, `ours+jitter-15s`, `ours+batch-5000`. */
export function planName(plan: HerdPlan): string {
  const parts = ['ours'];
  if (plan.jitterMs > 0)
    parts.push(`jitter-${plan.jitterMs % 1000 === 0 ? `${plan.jitterMs / 1000}s` : `${plan.jitterMs}ms`}`);
  if (plan.batch !== undefined) parts.push(`batch-${plan.batch}`);
  return parts.join('+');
}
