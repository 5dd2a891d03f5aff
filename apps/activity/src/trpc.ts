import type { AuthContext, HeaderSource } from '@revoke/auth/trpc';
import { createServiceTRPC, serviceAuthContext } from '@revoke/service';
import type { ActivityDeps } from './deps.ts';

/** The activity service's tRPC context: the shared auth part plus its dependencies. */
export interface ActivityContext extends AuthContext {
  deps: ActivityDeps;
}

/** Builds a context from request headers; a service token from `INTERNAL_CALLERS` may call internal procedures. */
export function createActivityContext(deps: ActivityDeps, headers: HeaderSource): ActivityContext {
  return { auth: serviceAuthContext(deps.auth, headers, deps.env.INTERNAL_CALLERS), deps };
}

export const { router, protectedProcedure, internalProcedure, createCallerFactory } =
  createServiceTRPC<ActivityContext>();
