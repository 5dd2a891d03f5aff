import type { HeaderSource } from '@revoke/auth/trpc';
import { createServiceTRPC, type ServiceContext } from '@revoke/service';
import type { ActivityDeps } from './deps.ts';

/** The activity service's tRPC context: the request's headers and auth stack, and its dependencies. */
export interface ActivityContext extends ServiceContext {
  deps: ActivityDeps;
}

/** Builds a context from request headers; a service token from `INTERNAL_CALLERS` may call internal procedures. */
export function createActivityContext(deps: ActivityDeps, headers: HeaderSource): ActivityContext {
  return { headers, auth: deps.auth, internalCallers: deps.env.INTERNAL_CALLERS, deps };
}

export const { router, protectedProcedure, internalProcedure, createCallerFactory } =
  createServiceTRPC<ActivityContext>();
