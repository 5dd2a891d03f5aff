import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessClaims } from '../claims.ts';
import { decideRequest, type RequestAuthOptions } from './decide.ts';

export type {
  AuthAccepted,
  AuthDecision,
  AuthErrorBody,
  AuthRefusalCode,
  AuthRefused,
  RequestAuthOptions,
} from './decide.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified claims of the request's access token, set by `createFastifyAuth`'s hook. */
    auth?: AccessClaims;
  }
}

/**
 * A Fastify `preHandler` (or `onRequest`) hook, as {@link createFastifyAuth} returns.
 *
 * @example
 * ```ts
 * import { createFastifyAuth, type FastifyAuthHook } from '@revoke/auth/fastify';
 *
 * const requireAuth: FastifyAuthHook = createFastifyAuth({ guard });
 * app.register(async (scope) => {
 *   scope.addHook('preHandler', requireAuth); // every route of this scope
 *   scope.get('/notes', async (request) => listNotes(request.auth!.sub));
 * });
 * ```
 */
export type FastifyAuthHook = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

/**
 * A Fastify (5) `preHandler` hook that lets a request through only with a valid, unrevoked access
 * token: it sets the verified claims on `request.auth`, and otherwise answers itself with 401
 * (`TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`, `TOKEN_REVOKED`), 403 (`CSRF_REQUIRED`) or 503
 * (`REVOCATION_UNAVAILABLE`), as JSON `{ error: { code, message } }`. Attach it to a route
 * (`preHandler`), or to every route of an encapsulated context with `addHook`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createFastifyAuth } from '@revoke/auth/fastify';
 *
 * const app = Fastify();
 * const requireAuth = createFastifyAuth({ guard });
 * app.get('/me', { preHandler: requireAuth }, async (request) => ({ sub: request.auth!.sub }));
 * // or, for every route registered in this context: app.addHook('preHandler', requireAuth);
 * ```
 */
export function createFastifyAuth(options: RequestAuthOptions): FastifyAuthHook {
  return async (request, reply) => {
    const decision = await decideRequest({ headers: request.headers, method: request.method }, options);
    if (decision.ok) {
      request.auth = decision.claims;
      return undefined;
    }
    // Answered here: returning the reply tells Fastify the hook has sent it.
    return reply.code(decision.status).headers(decision.headers).send(decision.body);
  };
}
