import type { AuthError } from '../errors.ts';
import type { LiveWatch } from './live-types.ts';

/**
 * Options of {@link untilRevoked}.
 *
 * @example
 * ```ts
 * import { untilRevoked, type UntilRevokedOptions } from '@revoke/auth/live';
 * import { toTRPCError } from '@revoke/auth/trpc';
 *
 * const options: UntilRevokedOptions = { toError: toTRPCError }; // the client gets UNAUTHORIZED, not a 500
 * // in the subscription's async generator:
 * yield* untilRevoked(watch, source, options);
 * ```
 */
export interface UntilRevokedOptions {
  /**
   * What to throw when the watch ended with an `AuthError` (revoked, expired, unavailable); default: the
   * `AuthError` itself. In tRPC pass `toTRPCError` from `@revoke/auth/trpc`, so the client gets
   * UNAUTHORIZED (or SERVICE_UNAVAILABLE) with `data.reason` set, not an internal error.
   */
  toError?: (error: AuthError) => unknown;
}

/**
 * Yields what `source` yields until the watch ends, then throws why (the watch's `AuthError`, through
 * `toError`); ends quietly when the connection itself went away or `source` is done. Meant for a tRPC
 * async-generator subscription: `yield* untilRevoked(watch, source)`. Give `source` the watch's signal
 * too where it can take one, so that it lets go of its resources (listeners, cursors) at once.
 *
 * @example
 * ```ts
 * live: authed.subscription(async function* ({ ctx, signal }) {
 *   const watch = liveRevocations.watch(ctx.user, { signal });
 *   try {
 *     yield* untilRevoked(watch, on(emitter, 'change', { signal: watch.signal }), { toError: toTRPCError });
 *   } finally {
 *     watch.stop();
 *   }
 * }),
 * ```
 */
export async function* untilRevoked<T>(
  watch: LiveWatch,
  source: AsyncIterable<T>,
  options: UntilRevokedOptions = {},
): AsyncGenerator<T, void> {
  const { signal } = watch;
  const fail = (): unknown => {
    const { error } = watch;
    if (!error) return undefined;
    return options.toError ? options.toError(error) : error;
  };
  let onAbort: (() => void) | undefined;
  const ended = new Promise<'ended'>((resolve) => {
    onAbort = () => resolve('ended');
    if (signal.aborted) resolve('ended');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (!signal.aborted) {
      const next = iterator.next();
      // Lost to `ended`: its later rejection (the source aborted by the same signal) is no one's concern.
      next.catch(() => {});
      const result = await Promise.race([next, ended]);
      if (result === 'ended') break;
      if (result.done) return;
      yield result.value;
    }
  } catch (error) {
    // A source that failed because the watch ended (an AbortError from its signal) is told apart below.
    if (!signal.aborted) throw error;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    // Not awaited: a source busy in an await finishes it first.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
  const why = fail();
  if (why !== undefined) throw why;
}
