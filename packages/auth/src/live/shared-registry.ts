import type { AccessClaims } from '../claims.ts';
import { LiveRevocations } from './live-revocations.ts';
import type { LiveFeed, LiveWatch, WatchOptions } from './live-types.ts';

const registries = new WeakMap<object, LiveRevocations>();

/**
 * The process's shared {@link LiveRevocations} for this feed, created (with default budgets) on first
 * use: every caller of {@link watchToken} with the same feed shares one feed listener and one budget.
 *
 * @example
 * ```ts
 * const live = liveRevocationsOf(authStack.feed);
 * app.addHook('preClose', async () => live.close());
 * ```
 */
export function liveRevocationsOf(feed: LiveFeed): LiveRevocations {
  let registry = registries.get(feed);
  if (!registry) {
    registry = new LiveRevocations({ feed });
    registries.set(feed, registry);
  }
  return registry;
}

/**
 * Watches one token on the feed's shared registry ({@link liveRevocationsOf}): shorthand for
 * `liveRevocationsOf(feed).watch(claims, options)`.
 *
 * @example
 * ```ts
 * const watch = watchToken(feed, ctx.user, { signal });
 * try {
 *   for await (const tick of ticker({ signal: watch.signal })) yield tick;
 * } finally {
 *   watch.stop();
 * }
 * if (watch.error) throw toTRPCError(watch.error);
 * ```
 */
export function watchToken(feed: LiveFeed, claims: AccessClaims, options: WatchOptions = {}): LiveWatch {
  return liveRevocationsOf(feed).watch(claims, options);
}
