import { AuthError } from '@revoke/auth';
import { toTRPCError } from '@revoke/auth/trpc';
import { changePasswordInput } from '@revoke/contract';
import { and, eq } from '@revoke/db';
import { sessions, users } from '@revoke/db/auth';
import { TRPCError } from '@trpc/server';
import { enforceBudget } from '../http/enforce-budget.ts';
import { replaceRefreshToken } from '../sessions/session-store.ts';
import { protectedProcedure } from '../trpc.ts';
import { deliveryOf, issueTokens } from './issue-tokens.ts';

/** A wrong current password: UNAUTHORIZED as a failed login is, with no token reason (the token is fine). */
const WRONG_PASSWORD = 'The current password is incorrect';

/**
 * The change committed, but Redis did not take the revocations in time: 503 REVOCATION_UNAVAILABLE,
 * as `auth.logoutAll` answers then (see `notYetEverywhere` in logout.ts). Nothing is undone: the relay
 * delivers the revocations once Redis is reachable.
 */
function notYetEverywhere(what: string): TRPCError {
  return toTRPCError(
    new AuthError('REVOCATION_UNAVAILABLE', {
      message: `${what}, but the other devices' sign-out is not yet confirmed by every service (the revocation store is slow or unreachable); it takes effect everywhere once the store has it.`,
    }),
  );
}

/**
 * `auth.changePassword { currentPassword, newPassword }`: checks the current password against the
 * login limiter (a wrong one is a failed login of the account from this address), stores the new
 * hash, ends every other session of the user by its `sid`, revokes the access token that made the
 * call and replaces this session's refresh token: all in one transaction, then published as
 * `auth.logoutAll` publishes. Answers as login does (new tokens, cookies), plus `endedSessions`.
 */
export const changePassword = protectedProcedure
  .input(changePasswordInput)
  .mutation(async ({ ctx, input }) => {
    const { users: accounts, rateLimiter, passwords, revoker, env } = ctx.deps;
    const userId = ctx.user.sub;
    const sessionId = ctx.user.sid;
    const user = await accounts.findById(userId);
    if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists' });

    // The login's own budget: guessing the password here costs what guessing it at login costs.
    const attempt = { ip: ctx.req.ip, email: user.email };
    const verdict = await rateLimiter.check(attempt);
    if (!verdict.allowed) {
      ctx.res.header('Retry-After', String(verdict.retryAfterSec));
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `Too many attempts; retry in ${verdict.retryAfterSec} s`,
      });
    }
    if (!(await passwords.verify(user.passwordHash, input.currentPassword))) {
      await rateLimiter.recordFailure(attempt);
      throw new TRPCError({ code: 'UNAUTHORIZED', message: WRONG_PASSWORD });
    }
    await rateLimiter.recordSuccess(attempt);
    const passwordHash = await passwords.hash(input.newPassword);

    const {
      sessions: endedSessions,
      published,
      result,
    } = await revoker.revokeOtherSessions({
      userId,
      keepSessionId: sessionId,
      reason: 'password_changed',
      actor: userId,
      auditAction: 'change_password',
      extra: [
        {
          kind: 'jti',
          subject: ctx.user.jti,
          expiresAt: new Date(ctx.user.exp * 1000),
          reason: 'password_changed',
          actor: userId,
        },
      ],
      inTransaction: async (tx) => {
        // Only over the hash just verified: of two changes racing with the same current password,
        // the second finds it gone and changes nothing.
        const changed = await tx
          .update(users)
          .set({ passwordHash })
          .where(and(eq(users.id, userId), eq(users.passwordHash, user.passwordHash)))
          .returning({ id: users.id });
        if (changed.length === 0) throw new TRPCError({ code: 'UNAUTHORIZED', message: WRONG_PASSWORD });
        const [session] = await tx
          .select({ clientId: sessions.clientId, revokedAt: sessions.revokedAt })
          .from(sessions)
          .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId)))
          .for('update');
        if (!session || session.revokedAt) throw toTRPCError(new AuthError('TOKEN_REVOKED'));
        const refresh = await replaceRefreshToken(tx, sessionId, env.REFRESH_TOKEN_TTL_SEC);
        return { refreshToken: refresh.token, clientId: session.clientId };
      },
    });

    // Set before a 503 too: the change is committed, and this device stays signed in with its new tokens.
    const tokens = await issueTokens(ctx, {
      user,
      sessionId,
      refreshToken: result.refreshToken,
      delivery: deliveryOf(ctx),
      clientId: result.clientId,
    });
    if (!published) throw notYetEverywhere('Password changed');
    return { ...tokens, endedSessions };
  });

/**
 * `auth.logoutOthers`: ends every other session of the user (their refresh tokens and access tokens,
 * fleet-wide), keeps this one. Counted on the `revoke` budget like `auth.revokeSession`, so a thief
 * looping on it cannot spend the owner's `auth.logoutAll`.
 */
export const logoutOthers = protectedProcedure.mutation(async ({ ctx }) => {
  await enforceBudget(ctx.res, ctx.deps.budgets.revoke, ctx.user.sub);
  const { sessions: ended, published } = await ctx.deps.revoker.revokeOtherSessions({
    userId: ctx.user.sub,
    keepSessionId: ctx.user.sid,
    reason: 'logout_others',
    actor: ctx.user.sub,
    auditAction: 'logout_others',
  });
  if (!published) throw notYetEverywhere('Signed out your other devices');
  return { ok: true as const, sessions: ended };
});
