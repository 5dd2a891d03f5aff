import { type AuthContext, createAuthContext, createAuthTRPC, type HeaderSource } from '@revoke/auth/trpc';
import { isDatabaseUnavailable } from '@revoke/db';
import type { ActivityDeps } from './deps.ts';

/** The activity service's tRPC context: the shared auth part plus its dependencies. */
export interface ActivityContext extends AuthContext {
  deps: ActivityDeps;
}

/** Builds a context from request headers (fastify's, or a test's plain object). */
export function createActivityContext(deps: ActivityDeps, headers: HeaderSource): ActivityContext {
  const { serviceGuard } = deps.auth;
  const internal = serviceGuard && { guard: serviceGuard, callers: deps.env.INTERNAL_CALLERS };
  const cookieName = deps.auth.accessCookie;
  return { auth: createAuthContext(deps.auth.guard, headers, { cookieName, internal }), deps };
}

export const { router, protectedProcedure, internalProcedure, createCallerFactory } =
  createAuthTRPC<ActivityContext>({
    // The database down is a 503 "try again", not a 500.
    isUnavailable: isDatabaseUnavailable,
  });
