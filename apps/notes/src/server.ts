import { sql } from '@revoke/db';
import { createHttpApp } from '@revoke/service';
import type { FastifyInstance } from 'fastify';
import type { NotesDeps } from './deps.ts';
import { appRouter } from './router.ts';
import { createNotesContext } from './trpc.ts';

/** The notes service's HTTP server, not yet listening (tests call `listen({ port: 0 })`). */
export function createServer(deps: NotesDeps): Promise<FastifyInstance> {
  return createHttpApp({
    logger: deps.logger,
    router: appRouter,
    createContext: ({ req }) => createNotesContext(deps, req.headers),
    registry: deps.auth.metrics.registry,
    webOrigin: deps.env.WEB_ORIGIN,
    metricsToken: deps.env.METRICS_TOKEN,
    readiness: async () => ({
      // Ready only once the cache holds every live revocation and is recent enough to trust.
      feed: deps.auth.feed.ready && deps.auth.feed.isFresh(),
      postgres: await deps.db
        .execute(sql`select 1`)
        .then(() => true)
        .catch(() => false),
    }),
  });
}
