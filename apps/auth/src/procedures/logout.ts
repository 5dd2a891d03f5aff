import { type AccessClaims, AuthError, isAuthError } from '@revoke/auth';
import { chooseCandidate, presentedCredential, toTRPCError } from '@revoke/auth/trpc';
import { revokeSessionInput } from '@revoke/contract';
import { TRPCError } from '@trpc/server';
import { clearTokenCookies } from '../http/cookies.ts';
import { assertCsrfForCookie } from '../http/csrf.ts';
import { enforceBudget } from '../http/enforce-budget.ts';
import { listSessions } from '../sessions/session-store.ts';
import { type AppContext, protectedProcedure, publicProcedure } from '../trpc.ts';

/**
 * Revokes the presented access token and its session. Not a `protectedProcedure`: a token that is
 * already revoked must still be accepted here, so that logging out twice is not an error. The
 * signature and claims are still fully verified, so a forged token carrying someone's `jti` revokes nothing.
 */
export const logout = publicProcedure.mutation(async ({ ctx }) => {
  const claims = await verifiedCredential(ctx);
  // Logging out a token already revoked writes nothing new, so it spends no budget: a thief looping on
  // a stolen, revoked token cannot use up the owner's.
  if (!ctx.deps.feed.cache.isRevoked(claims))
    await enforceBudget(ctx.res, ctx.deps.budgets.revoke, claims.sub);
  const { published } = await ctx.deps.revoker.logout(claims, claims.sub);
  clearTokenCookies(ctx.res, ctx.deps.env.COOKIE_SECURE);
  if (!published) throw notYetEverywhere();
  return { ok: true as const };
});

/**
 * The claims of the access token the request presents, read from its headers as `protectedProcedure`
 * reads them, verified but not checked against revocation. A cookie-authenticated request must pass
 * the CSRF check.
 */
async function verifiedCredential(ctx: AppContext): Promise<AccessClaims> {
  const { headers } = ctx;
  const { verifier } = ctx.deps;
  try {
    const presented = presentedCredential(headers, { cookieName: ctx.auth.accessCookie });
    if (!presented?.token) throw toTRPCError(new AuthError('TOKEN_MISSING'));
    // A repeated cookie: the one value that verifies is the user's (see `chooseCandidate`); settled
    // before the CSRF check, as protected procedures do.
    if (presented.candidates) {
      const { result } = await chooseCandidate(presented.candidates, (token) => verifier.verify(token));
      assertCsrfForCookie(headers);
      return result;
    }
    if (presented.source === 'cookie') assertCsrfForCookie(headers);
    return await verifier.verify(presented.token);
  } catch (error) {
    if (error instanceof TRPCError) throw error;
    throw toTRPCError(isAuthError(error) ? error : new AuthError('TOKEN_INVALID', { cause: error }));
  }
}

/**
 * The revocation committed, but Redis did not take it in time, so no service can be held to refusing
 * it yet. Answering 200 here would be a promise we cannot keep (a service that still reads Redis
 * keeps trusting its cache); a 503 tells the client to retry, which is safe: revoking is idempotent,
 * and the relay delivers the committed revocation anyway once Redis is reachable.
 */
function notYetEverywhere(): TRPCError {
  return toTRPCError(
    new AuthError('REVOCATION_UNAVAILABLE', {
      message:
        'Logged out here, but not yet confirmed by every service (the revocation store is slow or unreachable); it takes effect everywhere once the store has it. Retry to confirm.',
    }),
  );
}

export const logoutAll = protectedProcedure.mutation(async ({ ctx }) => {
  await enforceBudget(ctx.res, ctx.deps.budgets.logoutAll, ctx.user.sub);
  const { sessions, published } = await ctx.deps.revoker.revokeUser({
    userId: ctx.user.sub,
    reason: 'logout_all',
    actor: ctx.user.sub,
  });
  clearTokenCookies(ctx.res, ctx.deps.env.COOKIE_SECURE);
  if (!published) throw notYetEverywhere();
  return { ok: true as const, sessions };
});

export const sessions = protectedProcedure.query(async ({ ctx }) => {
  const rows = await listSessions(ctx.deps.db, ctx.user.sub);
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    userAgent: row.userAgent,
    current: row.id === ctx.user.sid,
  }));
});

export const revokeSession = protectedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
  await enforceBudget(ctx.res, ctx.deps.budgets.revoke, ctx.user.sub);
  const { found, published } = await ctx.deps.revoker.revokeSession({
    sessionId: input.sessionId,
    userId: ctx.user.sub,
    reason: 'revoked_by_user',
    actor: ctx.user.sub,
  });
  // Someone else's session is reported exactly like a missing one, and costs no budget: made-up ids
  // must not let a thief spend the owner's.
  if (!found) {
    await ctx.deps.budgets.revoke.refund(ctx.user.sub);
    throw new TRPCError({ code: 'NOT_FOUND', message: 'No such session' });
  }
  if (input.sessionId === ctx.user.sid) clearTokenCookies(ctx.res, ctx.deps.env.COOKIE_SECURE);
  if (!published) throw notYetEverywhere();
  return { ok: true as const };
});
