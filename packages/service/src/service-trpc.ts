import {
  authReasonOf,
  createAuthProcedure,
  createInternalProcedure,
  type HeaderSource,
} from '@revoke/auth/trpc';
import { isDatabaseUnavailable } from '@revoke/db';
import { initTRPC, TRPCError } from '@trpc/server';
import type { AuthStack } from './auth-stack.ts';

/**
 * What every service's tRPC context carries for authentication: the request's headers, read by the
 * auth procedures as each call needs them, and what judges them.
 */
export interface ServiceContext {
  headers: HeaderSource;
  /** The guard of user tokens, the access-token cookie's name, and the guard of service tokens minted for this service. */
  auth: Pick<AuthStack, 'guard' | 'accessCookie' | 'serviceGuard'>;
  /** Client ids of the services that may call internal procedures; unset: the service takes none. */
  internalCallers?: readonly string[] | undefined;
}

/** Per-procedure settings. */
export interface ServiceMeta {
  /** Accept the token when revocation state is unavailable, instead of answering 503 (counted). */
  failOpen?: boolean;
}

/**
 * A service's tRPC builders for context `TContext`: its own `initTRPC` (plain JSON, no stack traces,
 * the auth reason on `error.data.reason`), with `@revoke/auth/trpc`'s procedure builders concatenated
 * as any user of the package does.
 */
export function createServiceTRPC<TContext extends ServiceContext>() {
  const t = initTRPC
    .context<TContext>()
    .meta<ServiceMeta>()
    .create({
      isDev: false,
      // A comment line on every open SSE stream that has been quiet this long: the connection never
      // sits idle long enough for the server's connection timeout, a proxy, or a NAT to drop it.
      sse: { ping: { enabled: true, intervalMs: 30_000 } },
      errorFormatter({ shape, error }) {
        const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
        const reason = authReasonOf(error);
        // Internal errors keep their details in logs, not responses.
        const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
        return { ...shape, message, data: { ...data, ...(reason ? { reason } : {}) } };
      },
    });

  /**
   * Every procedure: an internal error caused by the database being down becomes 503 "try again",
   * since the client did nothing wrong and retrying may work. The cause stays in the logs only.
   */
  const publicProcedure = t.procedure.use(async ({ next }) => {
    const result = await next();
    if (
      !result.ok &&
      result.error.code === 'INTERNAL_SERVER_ERROR' &&
      isDatabaseUnavailable(result.error.cause)
    )
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Temporarily unavailable; try again shortly',
        cause: result.error.cause,
      });
    return result;
  });

  // The builders are declared on `object` and read it as the ServiceContext it is: tRPC checks that
  // a context satisfies a concatenated builder's only for a concrete context, not the generic TContext
  // (which extends ServiceContext, all they read).
  const service = (ctx: object) => ctx as ServiceContext;
  const getHeaders = (ctx: object) => service(ctx).headers;
  /** Requires a valid, unrevoked access token; puts its claims on `ctx.user`, the token on `ctx.token`. */
  const protectedProcedure = publicProcedure.concat(
    createAuthProcedure<object, ServiceMeta>({
      guard: (ctx) => service(ctx).auth.guard,
      getHeaders,
      cookieName: (ctx) => service(ctx).auth.accessCookie,
      failOpen: ({ meta }) => meta?.failOpen === true,
    }),
  );

  /**
   * Only for the services `internalCallers` lists, on behalf of the user whose token they forward:
   * the user's token passes `protectedProcedure` (so a revoked user fails at this hop too), and the
   * caller's own service token must pass as well. Puts the caller's client id on `ctx.caller`.
   */
  const internalProcedure = protectedProcedure.concat(
    createInternalProcedure<object>({
      guard: (ctx) => {
        const { auth, internalCallers } = service(ctx);
        return internalCallers ? auth.serviceGuard : undefined;
      },
      callers: (ctx) => service(ctx).internalCallers ?? [],
      getHeaders,
    }),
  );

  return {
    t,
    router: t.router,
    mergeRouters: t.mergeRouters,
    middleware: t.middleware,
    createCallerFactory: t.createCallerFactory,
    publicProcedure,
    protectedProcedure,
    internalProcedure,
  };
}
