import { initTRPC, TRPCError } from '@trpc/server';
import type { AccessClaims } from '../claims.ts';
import { AuthError, isAuthError } from '../errors.ts';
import type { AuthGuard } from '../guard.ts';
import {
  chooseCandidate,
  type HeaderSource,
  passesCsrfCheck,
  presentedCredential,
  SERVICE_TOKEN_HEADER,
  serviceCredentialFromHeaders,
} from './credentials.ts';
import { toTRPCError } from './trpc-error.ts';

/**
 * What every service's tRPC context carries for authentication.
 *
 * @example
 * ```ts
 * import { type AuthContext, createAuthContext } from '@revoke/auth/trpc';
 *
 * interface Context extends AuthContext {
 *   db: Db;
 * }
 * const createContext = ({ req }: { req: IncomingMessage }): Context => ({
 *   auth: createAuthContext(guard, req.headers),
 *   db,
 * });
 * ```
 */
export interface AuthContext {
  auth: {
    guard: AuthGuard;
    /**
     * The presented token (null when none), or why the credentials could not even be read. With a
     * repeated cookie, `candidates` holds every value: use {@link chooseCandidate}.
     */
    credential:
      | { token: string | null; source?: 'header' | 'cookie'; candidates?: readonly string[] }
      | { error: AuthError };
    /** The request passed the CSRF check (required for mutations authenticated by cookie). */
    csrfOk: boolean;
    /**
     * The calling service's credential, for internal procedures: present only in services that take
     * internal calls, with the guard that verifies tokens minted for this service and the client ids
     * of the services allowed to call.
     */
    service?: ({ token: string | null } & InternalCalls) | { error: AuthError };
  };
}

/**
 * How a service admits internal calls: the guard for tokens minted for it, and who may call.
 *
 * @example
 * ```ts
 * import { createAuthContext, type InternalCalls } from '@revoke/auth/trpc';
 *
 * // activity takes internal calls from notes only, with service tokens minted for activity's audience
 * const internal: InternalCalls = { guard: serviceGuard, callers: ['notes'] };
 * const auth = createAuthContext(guard, req.headers, { internal });
 * ```
 */
export interface InternalCalls {
  guard: AuthGuard;
  /** Client ids (`sub` of their service tokens) of the services allowed to call internal procedures. */
  callers: readonly string[];
}

/**
 * Per-procedure settings read by `protectedProcedure`.
 *
 * @example
 * ```ts
 * import { type AuthContext, createAuthTRPC } from '@revoke/auth/trpc';
 *
 * const { router, protectedProcedure } = createAuthTRPC<AuthContext>();
 * export const appRouter = router({
 *   status: protectedProcedure.meta({ failOpen: true }).query(({ ctx }) => ({ sub: ctx.user.sub })),
 * });
 * ```
 */
export interface AuthMeta {
  /** Accept the token when revocation state is unavailable, instead of answering 503 (counted). */
  failOpen?: boolean;
}

/**
 * Builds the `auth` part of a context from request headers. Never throws: errors surface in the procedure.
 *
 * @example
 * ```ts
 * import { createHTTPServer } from '@trpc/server/adapters/standalone';
 * import { accessTokenCookieName, createAuthContext } from '@revoke/auth/trpc';
 *
 * const cookieName = accessTokenCookieName(true);
 * const server = createHTTPServer({
 *   router: appRouter,
 *   createContext: ({ req }) => ({ auth: createAuthContext(guard, req.headers, { cookieName }) }),
 * });
 * ```
 */
export function createAuthContext(
  guard: AuthGuard,
  headers: HeaderSource,
  options?: { cookieName?: string; internal?: InternalCalls | undefined },
): AuthContext['auth'] {
  const csrfOk = passesCsrfCheck(headers);
  const service = options?.internal && serviceCredentialOf(options.internal, headers);
  const extra = service ? { service } : {};
  try {
    const presented = presentedCredential(headers, options);
    return { guard, csrfOk, credential: presented ?? { token: null }, ...extra };
  } catch (error) {
    return { guard, csrfOk, credential: { error: asAuthError(error) }, ...extra };
  }
}

function serviceCredentialOf(
  internal: InternalCalls,
  headers: HeaderSource,
): NonNullable<AuthContext['auth']['service']> {
  try {
    return { ...internal, token: serviceCredentialFromHeaders(headers) };
  } catch (error) {
    return { error: asAuthError(error) };
  }
}

function asAuthError(error: unknown): AuthError {
  return isAuthError(error) ? error : new AuthError('TOKEN_INVALID', { cause: error });
}

/**
 * The calling service of an internal procedure: its token (minted by the auth app for this service's
 * audience) is verified and checked against revocation like any token, and its client id (`sub`) must
 * be one of the service's `callers`. Anything else is FORBIDDEN: the user's own token is valid, but not
 * for this.
 */
async function authenticateCaller(auth: AuthContext['auth']): Promise<string> {
  // No AuthError as the cause: its code would surface as `error.data.reason`, and a caller (notes)
  // would pass "Token revoked" on to its user, whose own token is fine. The code is in the message.
  const refuse = (message: string) => new TRPCError({ code: 'FORBIDDEN', message });
  const { service } = auth;
  if (!service) throw refuse('This service takes no internal calls');
  if ('error' in service) throw refuse(`Service credential refused: ${service.error.message}`);
  if (!service.token)
    throw refuse(`Internal procedure: only another service may call it (${SERVICE_TOKEN_HEADER} required)`);
  let claims: AccessClaims;
  try {
    claims = await service.guard.authenticate(service.token);
  } catch (error) {
    const code = isAuthError(error) ? error.code : 'TOKEN_INVALID';
    if (code === 'REVOCATION_UNAVAILABLE') throw toTRPCError(error as AuthError);
    throw refuse(`Service credential refused (${code})`);
  }
  if (!service.callers.includes(claims.sub))
    throw refuse(`Service "${claims.sub}" may not call this procedure`);
  return claims.sub;
}

/**
 * Refuses a cookie-authenticated mutation without the CSRF header (see `CSRF_HEADER`).
 *
 * @example
 * ```ts
 * import { assertCsrf } from '@revoke/auth/trpc';
 *
 * const csrf = t.middleware(({ ctx, type, next }) => {
 *   assertCsrf(ctx.auth, type); // FORBIDDEN: a cookie-authenticated mutation without x-revoke-csrf
 *   return next();
 * });
 * ```
 */
export function assertCsrf(auth: AuthContext['auth'], type: string): void {
  const byCookie = 'source' in auth.credential && auth.credential.source === 'cookie';
  if (type === 'mutation' && byCookie && !auth.csrfOk) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message:
        'Cross-site request refused: cookie-authenticated mutations must send the x-revoke-csrf header',
    });
  }
}

/**
 * Options of {@link createAuthTRPC}.
 *
 * @example
 * ```ts
 * import { type AuthContext, type AuthTRPCOptions, createAuthTRPC } from '@revoke/auth/trpc';
 *
 * const options: AuthTRPCOptions = {
 *   isUnavailable: (error) => error instanceof Error && 'code' in error && error.code === 'ECONNREFUSED',
 * };
 * const { router, protectedProcedure } = createAuthTRPC<AuthContext>(options);
 * ```
 */
export interface AuthTRPCOptions {
  /**
   * Recognises a failure of a backing service (the database down, say): such a procedure error is
   * answered 503 SERVICE_UNAVAILABLE "try again shortly" instead of 500, since the client did nothing
   * wrong and retrying may work. The cause stays in the server's logs only.
   */
  isUnavailable?: (error: unknown) => boolean;
}

/**
 * One `initTRPC` for every service: plain JSON (no transformer), no stack traces, and the auth
 * reason code on `error.data.reason`. Internal errors keep their details in logs, not responses.
 *
 * @example
 * ```ts
 * import { type AuthContext, createAuthTRPC } from '@revoke/auth/trpc';
 *
 * const { router, publicProcedure, protectedProcedure } = createAuthTRPC<AuthContext>();
 * export const appRouter = router({
 *   ping: publicProcedure.query(() => 'pong'),
 *   whoami: protectedProcedure.query(({ ctx }) => ({ sub: ctx.user.sub, sid: ctx.user.sid })),
 * });
 * // and per request: createContext: ({ req }) => ({ auth: createAuthContext(guard, req.headers) })
 * ```
 */
export function createAuthTRPC<TContext extends AuthContext>(options: AuthTRPCOptions = {}) {
  const t = initTRPC
    .context<TContext>()
    .meta<AuthMeta>()
    .create({
      isDev: false,
      // A comment line on every open SSE stream that has been quiet this long: the connection never
      // sits idle long enough for the server's connection timeout, a proxy, or a NAT to drop it.
      sse: { ping: { enabled: true, intervalMs: 30_000 } },
      errorFormatter({ shape, error }) {
        const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
        const reason = isAuthError(error.cause) ? error.cause.code : undefined;
        const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
        return { ...shape, message, data: { ...data, ...(reason ? { reason } : {}) } };
      },
    });

  const { isUnavailable } = options;
  /** Every procedure: an internal error caused by an unavailable backing service becomes a 503. */
  const publicProcedure = t.procedure.use(async ({ next }) => {
    const result = await next();
    if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && isUnavailable?.(result.error.cause))
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Temporarily unavailable; try again shortly',
        cause: result.error.cause,
      });
    return result;
  });

  /** Requires a valid, unrevoked access token; puts its claims on `ctx.user`. */
  const protectedProcedure = publicProcedure.use(async ({ ctx, meta, type, next }) => {
    const { credential, guard } = ctx.auth;
    if ('error' in credential) throw toTRPCError(credential.error);
    const options = { failOpen: meta?.failOpen === true };
    const authenticate = (token: string) => guard.authenticate(token, options);
    let user: AccessClaims;
    let token = credential.token as string;
    try {
      // A repeated cookie is settled first: which credential the request carries decides the rest
      // (an ambiguous one is refused as such, whatever else is wrong with the request).
      if (credential.candidates)
        ({ token, result: user } = await chooseCandidate(credential.candidates, authenticate));
      assertCsrf(ctx.auth, type);
      if (!credential.candidates) user = await authenticate(token);
    } catch (error) {
      if (error instanceof TRPCError) throw error;
      throw toTRPCError(isAuthError(error) ? error : new AuthError('TOKEN_INVALID', { cause: error }));
    }
    return next({ ctx: { ...ctx, user: user!, token } });
  });

  /**
   * A procedure only other services may call (those the context's `auth.service.callers` lists), on
   * behalf of the user whose token they forward: the user's token passes `protectedProcedure` (so a
   * revoked user fails at this hop too), and the caller's own service token must pass as well. A user
   * presenting their own token directly gets FORBIDDEN. Puts the caller's client id on `ctx.caller`.
   */
  const internalProcedure = protectedProcedure.use(async ({ ctx, next }) => {
    const caller = await authenticateCaller(ctx.auth);
    return next({ ctx: { ...ctx, caller } });
  });

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
