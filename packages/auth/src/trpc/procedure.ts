import { initTRPC, TRPCError, type TRPCProcedureType } from '@trpc/server';
import { authenticateCredentials, CSRF_MESSAGE } from '../adapters/decide.ts';
import type { AccessClaims } from '../claims.ts';
import { type AuthErrorCode, isAuthError } from '../errors.ts';
import type { AuthGuard } from '../guard.ts';
import type { HeaderSource } from './credentials.ts';
import { toTRPCError } from './trpc-error.ts';

/**
 * What a procedure is, for {@link AuthProcedureOptions.failOpen}.
 *
 * @example
 * ```ts
 * import { type AuthProcedureCall, createAuthProcedure } from '@revoke/auth/trpc';
 *
 * // fail open only for queries whose meta asks for it
 * const failOpen = ({ meta, type }: AuthProcedureCall<Context, { failOpen?: boolean }>) =>
 *   type === 'query' && meta?.failOpen === true;
 * const authed = t.procedure.concat(createAuthProcedure({ guard, getHeaders: (ctx: Context) => ctx.req.headers, failOpen }));
 * ```
 */
export interface AuthProcedureCall<TContext, TMeta> {
  ctx: TContext;
  meta: TMeta | undefined;
  path: string;
  type: TRPCProcedureType;
}

/**
 * Options of {@link createAuthProcedure}.
 *
 * @example
 * ```ts
 * import { type AuthProcedureOptions, createAuthProcedure, SECURE_ACCESS_TOKEN_COOKIE } from '@revoke/auth/trpc';
 *
 * const options: AuthProcedureOptions<{ req: IncomingMessage; guard: AuthGuard }, { failOpen?: boolean }> = {
 *   guard: (ctx) => ctx.guard,
 *   getHeaders: (ctx) => ctx.req.headers,
 *   cookieName: SECURE_ACCESS_TOKEN_COOKIE,
 *   failOpen: ({ meta }) => meta?.failOpen === true,
 * };
 * const authed = t.procedure.concat(createAuthProcedure(options));
 * ```
 */
export interface AuthProcedureOptions<TContext, TMeta> {
  /** The guard (`createRevocationGuard` from `@revoke/auth`), or how to find it in your context. */
  guard: AuthGuard | ((ctx: TContext) => AuthGuard);
  /**
   * The request's headers from your context: a fetch `Headers` or Node's `req.headers`, e.g.
   * `(ctx) => ctx.req.headers` (standalone, Express, Fastify adapters) or `(ctx) => ctx.headers`.
   */
  getHeaders: (ctx: TContext) => HeaderSource;
  /**
   * The access-token cookie's name (default `access_token`; see `accessTokenCookieName`), or how to
   * find it in your context, for a name settled only at start (from your deployment's settings).
   */
  cookieName?: string | undefined | ((ctx: TContext) => string | undefined);
  /**
   * Accept the token when revocation state is unavailable instead of SERVICE_UNAVAILABLE (counted
   * and logged by the guard): `true` for every procedure, or per procedure, e.g. from your meta:
   * `({ meta }) => meta?.failOpen === true`. Default: fail closed.
   */
  failOpen?: boolean | ((call: AuthProcedureCall<TContext, TMeta>) => boolean);
}

/**
 * A procedure builder to `.concat()` onto your own `initTRPC`'s procedures, the way tRPC libraries
 * plug in: your transformer, context and error formatter stay yours. A procedure built from it runs
 * only with a valid, unrevoked access token (from `Authorization: Bearer <token>` or the access-token
 * cookie, with the CSRF header required for mutations authenticated by cookie), and gets
 * `ctx.user` (the verified claims) and `ctx.token`. Refusals are `TRPCError`s: UNAUTHORIZED (or
 * SERVICE_UNAVAILABLE for `REVOCATION_UNAVAILABLE`) with the `AuthError` as `cause`, whose code
 * {@link authReasonOf} reads (put it in your error formatter's `data` for clients), and FORBIDDEN for
 * a cookie-authenticated mutation without the CSRF header.
 *
 * `TContext` is the part of your context it reads (inferred from `getHeaders`, or given), `TMeta`
 * your meta when `failOpen` reads it.
 *
 * @example
 * ```ts
 * import { initTRPC } from '@trpc/server';
 * import superjson from 'superjson';
 * import { authReasonOf, createAuthProcedure } from '@revoke/auth/trpc';
 *
 * const t = initTRPC.context<{ req: IncomingMessage; db: Db }>().create({
 *   transformer: superjson,
 *   errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, reason: authReasonOf(error) } }),
 * });
 * const authed = t.procedure.concat(
 *   createAuthProcedure({ guard, getHeaders: (ctx: { req: IncomingMessage }) => ctx.req.headers }),
 * );
 * export const appRouter = t.router({
 *   me: authed.query(({ ctx }) => ctx.db.users.find(ctx.user.sub)),
 * });
 * ```
 */
export function createAuthProcedure<TContext extends object, TMeta extends object = object>(
  options: AuthProcedureOptions<TContext, TMeta>,
) {
  const t = initTRPC.context<TContext>().meta<TMeta>().create();
  const { getHeaders } = options;
  return t.procedure.use(async ({ ctx: context, meta, path, type, next }) => {
    // The same object: tRPC's mapped type of a generic context is not assignable back to it.
    const ctx = context as unknown as TContext;
    const guard = typeof options.guard === 'function' ? options.guard(ctx) : options.guard;
    const cookieName =
      typeof options.cookieName === 'function' ? options.cookieName(ctx) : options.cookieName;
    const failOpen =
      typeof options.failOpen === 'function'
        ? options.failOpen({ ctx, meta, path, type })
        : options.failOpen === true;
    const outcome = await authenticateCredentials(getHeaders(ctx), type === 'mutation', {
      guard,
      cookieName,
      failOpen,
    });
    if ('csrf' in outcome) throw new TRPCError({ code: 'FORBIDDEN', message: CSRF_MESSAGE });
    if ('error' in outcome) throw toTRPCError(outcome.error);
    const user: AccessClaims = outcome.claims;
    return next({ ctx: { user, token: outcome.token } });
  });
}

/**
 * The auth reason code (`TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`, `TOKEN_REVOKED`,
 * `REVOCATION_UNAVAILABLE`) of an error: an `AuthError`, or a `TRPCError` (or any error) caused by
 * one, as {@link createAuthProcedure} throws; undefined for anything else. Meant for your tRPC error
 * formatter, so clients read the code from `error.data.reason`.
 *
 * @example
 * ```ts
 * const t = initTRPC.create({
 *   errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, reason: authReasonOf(error) } }),
 * });
 * ```
 */
export function authReasonOf(error: unknown): AuthErrorCode | undefined {
  if (isAuthError(error)) return error.code;
  if (error instanceof Error && isAuthError(error.cause)) return error.cause.code;
  return undefined;
}
