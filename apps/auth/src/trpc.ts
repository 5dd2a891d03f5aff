import type { IncomingHttpHeaders } from 'node:http';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { type AuthContext, accessTokenCookieName, createAuthContext } from '@revoke/auth/trpc';
import { createServiceTRPC } from '@revoke/service';
import type { AuthDeps } from './deps.ts';

/** The parts of a request the procedures read (a fastify request has them; so can a test's object). */
export interface RequestInfo {
  ip: string;
  headers: IncomingHttpHeaders;
  cookies: Record<string, string | undefined>;
}

/** The parts of a reply the procedures write: cookies and headers. */
export interface ReplyControl {
  setCookie(name: string, value: string, options: CookieSerializeOptions): unknown;
  clearCookie(name: string, options: CookieSerializeOptions): unknown;
  header(name: string, value: string): unknown;
}

/** The auth app's tRPC context: the shared auth part plus its dependencies and the request/reply. */
export interface AppContext extends AuthContext {
  deps: AuthDeps;
  req: RequestInfo;
  res: ReplyControl;
}

/** Builds a context from a request (fastify's, or a test's stand-in). */
export function createAppContext(deps: AuthDeps, req: RequestInfo, res: ReplyControl): AppContext {
  const cookieName = accessTokenCookieName(deps.env.COOKIE_SECURE);
  return { auth: createAuthContext(deps.guard, req.headers, { cookieName }), deps, req, res };
}

export const { router, publicProcedure, protectedProcedure, createCallerFactory } =
  createServiceTRPC<AppContext>();
