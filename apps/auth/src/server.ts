import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import { CSRF_HEADER } from '@revoke/auth/trpc';
import {
  defaultJsonContentType,
  limitTrpcRequests,
  refuseHeadOnTrpc,
  SERVER_TIMEOUTS,
  TRPC_MAX_BATCH_SIZE,
} from '@revoke/service';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AuthDeps } from './deps.ts';
import { registerHealthRoutes } from './http/health.ts';
import { registerMetadataRoutes } from './http/metadata.ts';
import { registerOAuthRoutes } from './http/oauth.ts';
import { registerTokenRoute } from './http/oauth-token.ts';
import { type AuthRouter, appRouter } from './router.ts';
import { closeSessionRevocationHub } from './sessions/session-revocations.ts';
import { createAppContext } from './trpc.ts';

/** Bodies are small JSON or forms; anything larger is refused with 413 before it is parsed. */
const BODY_LIMIT_BYTES = 16 * 1024;

/** The auth app's HTTP server, not yet listening (tests call `listen({ port: 0 })`). */
export async function createServer(deps: AuthDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    ...SERVER_TIMEOUTS,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(cors, {
    origin: [deps.env.WEB_ORIGIN],
    credentials: true,
    allowedHeaders: ['content-type', 'authorization', CSRF_HEADER],
  });
  defaultJsonContentType(app);
  refuseHeadOnTrpc(app);
  limitTrpcRequests(app, { bodyLimitBytes: BODY_LIMIT_BYTES });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      createContext: ({ req, res }) => createAppContext(deps, req, res),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          deps.logger.error({ err: error.cause ?? error, path }, 'trpc: internal error');
      },
    } satisfies FastifyTRPCPluginOptions<AuthRouter>['trpcOptions'],
  });
  await registerMetadataRoutes(app, deps);
  // Open `auth.sessionEvents` streams would hold `close()` until every browser went away.
  app.addHook('preClose', async () => closeSessionRevocationHub(deps));
  registerHealthRoutes(app, deps);
  registerOAuthRoutes(app, deps);
  registerTokenRoute(app, deps);
  // Fastify's own errors (bad JSON, body too large, unsupported type) keep their 4xx; nothing leaks a stack.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) deps.logger.error({ err: error }, 'http: internal error');
    return reply.code(status).send({ error: status === 500 ? 'Internal server error' : error.message });
  });
  return app;
}
