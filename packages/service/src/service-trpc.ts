import { type AuthContext, createAuthContext, createAuthTRPC, type HeaderSource } from '@revoke/auth/trpc';
import { isDatabaseUnavailable } from '@revoke/db';
import type { AuthStack } from './auth-stack.ts';

/** A service's tRPC builders for context `TContext`: the shared auth procedures over a database. */
export function createServiceTRPC<TContext extends AuthContext>() {
  // The database down is a 503 "try again", not a 500.
  return createAuthTRPC<TContext>({ isUnavailable: isDatabaseUnavailable });
}

/**
 * The auth part of a request's context: its credential (bearer token, or the access-token cookie)
 * for `auth`'s guard. With `internalCallers`, a service token from one of those clients is also read,
 * for internal procedures.
 */
export function serviceAuthContext(
  auth: AuthStack,
  headers: HeaderSource,
  internalCallers?: readonly string[],
): AuthContext['auth'] {
  const internal = auth.serviceGuard &&
    internalCallers && { guard: auth.serviceGuard, callers: internalCallers };
  return createAuthContext(auth.guard, headers, { cookieName: auth.accessCookie, internal });
}
