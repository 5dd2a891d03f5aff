import type { HeaderSource } from '@revoke/auth/trpc';
import type { ServiceName } from '@revoke/db';
import type { AnyRouter } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { databaseAnswers } from './database-readiness.ts';
import { createHttpApp } from './http-app.ts';
import type { ServiceDeps, ServiceDepsEnv } from './service-deps.ts';

/** The settings of the HTTP app a service reads. */
export interface ServiceServerEnv extends ServiceDepsEnv {
  WEB_ORIGIN: string;
  METRICS_TOKEN?: string | undefined;
}

/**
 * An internal service's HTTP server, not yet listening (tests call `listen({ port: 0 })`): `router`
 * at `/trpc` with a context made from each request's headers, and a `/readyz` that waits for the
 * revocation feed and the database.
 */
export function createServiceServer<TRouter extends AnyRouter>(
  deps: ServiceDeps<ServiceName, ServiceServerEnv>,
  router: TRouter,
  createContext: (headers: HeaderSource) => unknown,
): Promise<FastifyInstance> {
  return createHttpApp({
    logger: deps.logger,
    router,
    createContext: ({ req }) => createContext(req.headers),
    registry: deps.auth.metrics.registry,
    webOrigin: deps.env.WEB_ORIGIN,
    metricsToken: deps.env.METRICS_TOKEN,
    readiness: async () => ({
      // Ready only once the cache holds every live revocation and is recent enough to trust.
      feed: deps.auth.feed.ready && deps.auth.feed.isFresh(),
      postgres: await databaseAnswers(deps.db),
    }),
  });
}
