import type { IncomingHttpHeaders } from 'node:http';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { accessTokenCookieName } from '@revoke/auth/trpc';
import { createServiceTRPC, type ServiceContext } from '@revoke/service';
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

/** The auth app's tRPC context: the request's headers and guard, its dependencies, the request/reply. */
export interface AppContext extends ServiceContext {
  deps: AuthDeps;
  req: RequestInfo;
  res: ReplyControl;
}

/** Builds a context from a request (fastify's, or a test's stand-in). */
export function createAppContext(deps: AuthDeps, req: RequestInfo, res: ReplyControl): AppContext {
  const auth = { guard: deps.guard, accessCookie: accessTokenCookieName(deps.env.COOKIE_SECURE) };
  return { headers: req.headers, auth, deps, req, res };
}

export const { router, publicProcedure, protectedProcedure, createCallerFactory } =
  createServiceTRPC<AppContext>();
