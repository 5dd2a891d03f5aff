import { initTRPC, TRPCError } from '@trpc/server';
import type { AccessClaims } from '../claims.ts';
import { type AuthError, asAuthError, isAuthError } from '../errors.ts';
import type { AuthGuard } from '../guard.ts';
import { type HeaderSource, SERVICE_TOKEN_HEADER, serviceCredentialFromHeaders } from './credentials.ts';
import { toTRPCError } from './trpc-error.ts';

/**
 * Options of {@link createInternalProcedure}.
 *
 * @example
 * ```ts
 * import { createInternalProcedure, type InternalProcedureOptions } from '@revoke/auth/trpc';
 *
 * // activity takes internal calls from notes only, with service tokens minted for activity's audience
 * const options: InternalProcedureOptions<{ req: IncomingMessage }> = {
 *   guard: serviceGuard,
 *   callers: ['notes'],
 *   getHeaders: (ctx) => ctx.req.headers,
 * };
 * const internal = authed.concat(createInternalProcedure(options));
 * ```
 */
export interface InternalProcedureOptions<TContext> {
  /**
   * The guard that verifies service tokens minted for **this** service's audience (never the guard of
   * user tokens), or how to find it in your context. None (`undefined`): the service takes no
   * internal calls, and every internal procedure answers FORBIDDEN.
   */
  guard: AuthGuard | ((ctx: TContext) => AuthGuard | undefined);
  /** Client ids (`sub` of their service tokens) of the services allowed to call, or how to find them in your context. */
  callers: readonly string[] | ((ctx: TContext) => readonly string[]);
  /** The request's headers from your context, as for `createAuthProcedure`. */
  getHeaders: (ctx: TContext) => HeaderSource;
}

/**
 * A procedure builder for service-to-service calls, to `.concat()` after `createAuthProcedure`'s: a
 * procedure built from both runs only when another service calls it on behalf of a user, with the
 * user's token (checked by the auth procedure, so a revoked user fails at this hop too) and its own
 * service token in {@link SERVICE_TOKEN_HEADER}, which `guard` verifies and checks against revocation
 * like any token, and whose client id (`sub`) must be one of `callers`. Gives `ctx.caller`, that
 * client id. Anything else is FORBIDDEN (the user's own token is valid, but not for this), or
 * SERVICE_UNAVAILABLE when revocation state is unavailable. Concatenated alone, it checks only the
 * calling service.
 *
 * @example
 * ```ts
 * import { initTRPC } from '@trpc/server';
 * import { createAuthProcedure, createInternalProcedure } from '@revoke/auth/trpc';
 *
 * const t = initTRPC.context<{ req: IncomingMessage }>().create();
 * const getHeaders = (ctx: { req: IncomingMessage }) => ctx.req.headers;
 * const authed = t.procedure.concat(createAuthProcedure({ guard, getHeaders }));
 * const internal = authed.concat(createInternalProcedure({ guard: serviceGuard, callers: ['notes'], getHeaders }));
 * export const appRouter = t.router({
 *   record: internal.mutation(({ ctx }) => ({ for: ctx.user.sub, by: ctx.caller })),
 * });
 * ```
 */
export function createInternalProcedure<TContext extends object>(
  options: InternalProcedureOptions<TContext>,
) {
  const t = initTRPC.context<TContext>().create();
  return t.procedure.use(async ({ ctx, next }) => {
    // The same object: tRPC's mapped type of a generic context is not assignable back to it.
    const caller = await authenticateCaller(ctx as unknown as TContext, options);
    return next({ ctx: { caller } });
  });
}

/** The calling service's client id, or why it may not call: see {@link createInternalProcedure}. */
async function authenticateCaller<TContext>(
  ctx: TContext,
  options: InternalProcedureOptions<TContext>,
): Promise<string> {
  // No AuthError as the cause: its code would surface as `error.data.reason`, and a caller (notes)
  // would pass "Token revoked" on to its user, whose own token is fine. The code is in the message.
  const refuse = (message: string) => new TRPCError({ code: 'FORBIDDEN', message });
  const guard = typeof options.guard === 'function' ? options.guard(ctx) : options.guard;
  if (!guard) throw refuse('This service takes no internal calls');
  let token: string | null;
  try {
    token = serviceCredentialFromHeaders(options.getHeaders(ctx));
  } catch (error) {
    throw refuse(`Service credential refused: ${asAuthError(error).message}`);
  }
  if (!token)
    throw refuse(`Internal procedure: only another service may call it (${SERVICE_TOKEN_HEADER} required)`);
  let claims: AccessClaims;
  try {
    claims = await guard.authenticate(token);
  } catch (error) {
    const code = isAuthError(error) ? error.code : 'TOKEN_INVALID';
    if (code === 'REVOCATION_UNAVAILABLE') throw toTRPCError(error as AuthError);
    throw refuse(`Service credential refused (${code})`);
  }
  const callers = typeof options.callers === 'function' ? options.callers(ctx) : options.callers;
  if (!callers.includes(claims.sub)) throw refuse(`Service "${claims.sub}" may not call this procedure`);
  return claims.sub;
}
