import formbody from '@fastify/formbody';
import { createHttpApp } from '@revoke/service';
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from './deps.ts';
import { authReadiness } from './http/health.ts';
import { registerMetadataRoutes } from './http/metadata.ts';
import { registerOAuthRoutes } from './http/oauth.ts';
import { registerTokenRoute } from './http/oauth-token.ts';
import { appRouter } from './router.ts';
import { closeSessionRevocationHub } from './sessions/session-revocations.ts';
import { createAppContext } from './trpc.ts';

/** Bodies are small JSON or forms; anything larger is refused with 413 before it is parsed. */
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * The auth app's HTTP server, not yet listening (tests call `listen({ port: 0 })`): the shared app
 * (tRPC, CORS, limits, health, metrics) plus the OAuth and OpenID endpoints, which take form bodies.
 */
export function createServer(deps: AuthDeps): Promise<FastifyInstance> {
  return createHttpApp({
    logger: deps.logger,
    router: appRouter,
    createContext: ({ req, res }) => createAppContext(deps, req, res),
    registry: deps.metrics.auth.registry,
    webOrigin: deps.env.WEB_ORIGIN,
    metricsToken: deps.env.METRICS_TOKEN,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    readiness: () => authReadiness(deps),
    readinessDetail: () => ({ feed: deps.feed.status() }),
    async extend(app) {
      await app.register(formbody);
      await registerMetadataRoutes(app, deps);
      // Open `auth.sessionEvents` streams would hold `close()` until every browser went away.
      app.addHook('preClose', async () => closeSessionRevocationHub(deps));
      registerOAuthRoutes(app, deps);
      registerTokenRoute(app, deps);
    },
  });
}
