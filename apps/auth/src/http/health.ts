import { sql } from '@revoke/db';
import { registerMetricsRoute } from '@revoke/service';
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../deps.ts';

/** Past this, the relay counts as behind and the app as not ready. */
const MAX_RELAY_LAG_SEC = 5;

/** `/healthz` (the process answers), `/readyz` (Postgres, Redis, relay, feed) and `/metrics`. */
export function registerHealthRoutes(app: FastifyInstance, deps: AuthDeps): void {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_request, reply) => {
    const checks = {
      postgres: await deps.db
        .execute(sql`select 1`)
        .then(() => true)
        .catch(() => false),
      redis: await deps.redis
        .ping()
        .then(() => true)
        .catch(() => false),
      relay: await deps.relay
        .lagSeconds()
        .then((lag) => lag <= MAX_RELAY_LAG_SEC)
        .catch(() => false),
      feed: deps.feed.ready && deps.feed.isFresh(),
    };
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ ready, checks, feed: deps.feed.status() });
  });

  registerMetricsRoute(app, deps.metrics.auth.registry, deps.env.METRICS_TOKEN);
}
