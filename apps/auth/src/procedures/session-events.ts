import { toTRPCError } from '@revoke/auth/trpc';
import { TRPCError } from '@trpc/server';
import {
  type SignOutReason,
  sessionRevocationHubOf,
  signOutReason,
} from '../sessions/session-revocations.ts';
import { watchSession } from '../sessions/watch-session.ts';
import { protectedProcedure } from '../trpc.ts';

/** What an open page hears about its own session. */
export type SessionEvent =
  /** Armed: from now on a revocation of this session reaches the page. */
  | { type: 'watching'; sessionId: string; expiresAt: string }
  /** The session (or this token, or every token of the user) was revoked; the stream ends. */
  | { type: 'revoked'; reason: SignOutReason }
  /** The access token this stream authenticated with expired; refresh, then subscribe again. */
  | { type: 'expired' };

/**
 * `auth.sessionEvents`: a subscription (SSE) that tells a signed-in page the moment its session is
 * revoked — logout in another tab, "revoke device", "log out everywhere", refresh-token reuse — so it
 * can sign out at once instead of at its next request. Authenticated like any protected procedure
 * (a revoked token cannot even subscribe), by the access-token cookie in browsers.
 */
export const sessionEvents = protectedProcedure.subscription(async function* ({
  ctx,
  signal,
}): AsyncGenerator<SessionEvent, void> {
  const { feed } = ctx.deps;
  const watch = watchSession({
    hub: sessionRevocationHubOf(ctx.deps),
    claims: ctx.user,
    checkDirect: (claims) => feed.checkDirect(claims),
    isRevokedLocally: (claims) => feed.cache.isRevoked(claims),
    signal: signal ?? new AbortController().signal,
  });
  try {
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
        yield { type: 'revoked', reason: await signOutReason(ctx.deps.db, ctx.user.sid) };
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
    watch.stop();
  }
});
