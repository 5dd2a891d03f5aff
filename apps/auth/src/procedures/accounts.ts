import { credentialsSchema, loginCredentialsSchema } from '@revoke/contract';
import { eq } from '@revoke/db';
import { users } from '@revoke/db/auth';
import { TRPCError } from '@trpc/server';
import { EmailTakenError } from '../accounts/users.ts';
import { enforceBudget } from '../http/enforce-budget.ts';
import { ipRateLimitBucket } from '../http/ip-bucket.ts';
import { startSession } from '../sessions/session-store.ts';
import { protectedProcedure, publicProcedure } from '../trpc.ts';
import { deliveryOf, FIRST_PARTY_CLIENTS, issueTokens } from './issue-tokens.ts';

/** Same answer for an unknown e-mail and a wrong password, so the login form reveals no accounts. */
const INVALID_CREDENTIALS = 'Invalid e-mail or password';

export const register = publicProcedure.input(credentialsSchema).mutation(async ({ ctx, input }) => {
  await enforceBudget(ctx.res, ctx.deps.budgets.register, ipRateLimitBucket(ctx.req.ip));
  const passwordHash = await ctx.deps.passwords.hash(input.password);
  try {
    const user = await ctx.deps.users.create({ email: input.email, passwordHash });
    return { user: { id: user.id, email: user.email } };
  } catch (error) {
    if (error instanceof EmailTakenError) {
      throw new TRPCError({ code: 'CONFLICT', message: 'An account with this e-mail already exists' });
    }
    throw error;
  }
});

export const login = publicProcedure.input(loginCredentialsSchema).mutation(async ({ ctx, input }) => {
  const { users: accounts, rateLimiter, metrics, db, env } = ctx.deps;
  const attempt = { ip: ctx.req.ip, email: input.email };
  const verdict = await rateLimiter.check(attempt);
  if (!verdict.allowed) {
    metrics.login('rate_limited');
    ctx.res.header('Retry-After', String(verdict.retryAfterSec));
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many attempts; retry in ${verdict.retryAfterSec} s`,
    });
  }
  const user = await accounts.findByEmail(input.email);
  // Always verifies (a dummy hash for an unknown user), so both failures take about as long.
  const valid = await ctx.deps.passwords.verify(user?.passwordHash, input.password);
  if (!user || !valid) {
    await rateLimiter.recordFailure(attempt);
    metrics.login('invalid_credentials');
    throw new TRPCError({ code: 'UNAUTHORIZED', message: INVALID_CREDENTIALS });
  }
  await rateLimiter.recordSuccess(attempt);
  const delivery = deliveryOf(ctx);
  const clientId = FIRST_PARTY_CLIENTS[delivery];
  // Under a share lock of the user row, and only if the password verified is still the account's: a
  // login that checked a password `auth.changePassword` replaces meanwhile starts no session (and one
  // that starts first is among the sessions that change ends).
  const session = await db.transaction(async (tx) => {
    const [current] = await tx
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, user.id))
      .for('share');
    if (current?.passwordHash !== user.passwordHash) return undefined;
    return startSession(tx, {
      userId: user.id,
      userAgent: ctx.req.headers['user-agent'],
      ip: ctx.req.ip,
      refreshTtlSec: env.REFRESH_TOKEN_TTL_SEC,
      clientId,
    });
  });
  if (!session) {
    metrics.login('invalid_credentials');
    throw new TRPCError({ code: 'UNAUTHORIZED', message: INVALID_CREDENTIALS });
  }
  metrics.login('ok');
  return issueTokens(ctx, {
    user,
    sessionId: session.sessionId,
    refreshToken: session.refreshToken,
    delivery,
    clientId,
  });
});

export const me = protectedProcedure.query(async ({ ctx }) => {
  const user = await ctx.deps.users.findById(ctx.user.sub);
  if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'This account no longer exists' });
  return { id: user.id, email: user.email };
});
