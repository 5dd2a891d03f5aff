import { toTRPCError } from '@revoke/auth/trpc';
import type { SessionEndReason } from '@revoke/contract';
import { TRPCError } from '@trpc/server';
import {
  replacedByPasswordChange,
  sessionRevocationHubOf,
  signOutReason,
} from '../sessions/session-revocations.ts';
import { sessionStreamsOf } from '../sessions/session-streams.ts';
import { watchSession } from '../sessions/watch-session.ts';
import { protectedProcedure } from '../trpc.ts';

/** What an open page hears about its own session. */
export type SessionEvent =
  /** Armed: from now on a revocation of this session reaches the page. */
  | { type: 'watching'; sessionId: string; expiresAt: string }
  /** The session (or this token, or every token of the user) was revoked; the stream ends. */
  | { type: 'revoked'; reason: SessionEndReason }
  /**
   * The access token this stream authenticated with expired, or was replaced by a password change on
   * this device (its session lives on, with new tokens); refresh, then subscribe again.
   */
  | { type: 'expired' };

/**
 * `auth.sessionEvents`: a subscription (SSE) that tells a signed-in page the moment its session is
 * revoked — logout in another tab, "revoke device", "log out everywhere", refresh-token reuse — so it
 * can sign out at once instead of at its next request. Authenticated like any protected procedure
 * (a revoked token cannot even subscribe), by the access-token cookie in browsers.
 *
 * Each open stream holds a slot of its session and of its user (`SESSION_EVENTS_MAX_PER_*`, counted per
 * auth process): past either, the stream is refused with TOO_MANY_REQUESTS before any watch is armed.
 */
export const sessionEvents = protectedProcedure.subscription(async function* ({
  ctx,
  signal,
}): AsyncGenerator<SessionEvent, void> {
  const { feed } = ctx.deps;
  const { slots, checkRevoked } = sessionStreamsOf(ctx.deps);
  // Taken here, inside the generator, so that the `finally` below gives it back however the stream ends
  // (a slot taken before the first iteration would leak if the client left before it began).
  const slot = slots.acquire(ctx.user);
  if ('refused' in slot) {
    const limit =
      slot.refused === 'session'
        ? ctx.deps.env.SESSION_EVENTS_MAX_PER_SESSION
        : ctx.deps.env.SESSION_EVENTS_MAX_PER_USER;
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many open sign-out streams for this ${slot.refused} (at most ${limit}); close one first`,
    });
  }
  let watch: ReturnType<typeof watchSession> | undefined;
  try {
    watch = watchSession({
      hub: sessionRevocationHubOf(ctx.deps),
      claims: ctx.user,
      // Batched with every other watcher's: a reconnect or a burst of new streams is one Redis read.
      checkDirect: checkRevoked,
      isRevokedLocally: (claims) => feed.cache.isRevoked(claims),
      signal: signal ?? new AbortController().signal,
    });
    const early = await Promise.race([watch.armed.then(() => undefined), watch.outcome]);
    if (!early) {
      yield {
        type: 'watching',
        sessionId: ctx.user.sid,
        expiresAt: new Date(ctx.user.exp * 1000).toISOString(),
      };
    }
    const outcome = early ?? (await watch.outcome);
    switch (outcome.type) {
      case 'revoked':
        if (await replacedByPasswordChange(ctx.deps.db, ctx.user)) yield { type: 'expired' };
        else yield { type: 'revoked', reason: await signOutReason(ctx.deps.db, ctx.user.sid) };
        return;
      case 'expired':
        yield { type: 'expired' };
        return;
      case 'aborted':
        return;
      case 'closed':
        // A retryable code: the browser's EventSource reconnects, to this server's successor.
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The server is restarting' });
      case 'unavailable':
        throw toTRPCError(outcome.error);
    }
  } finally {
    watch?.stop();
    slot.release();
  }
});
