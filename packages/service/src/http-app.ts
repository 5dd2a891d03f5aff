import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import { CSRF_HEADER } from '@revoke/auth/trpc';
import type { AnyRouter } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { limitTrpcRequests, SERVER_TIMEOUTS, TRPC_MAX_BATCH_SIZE } from './request-limits.ts';

/** Request bodies of the services are small JSON; larger ones get 413 before parsing. */
const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

export interface HttpAppOptions<TRouter extends AnyRouter> {
  logger: Logger;
  router: TRouter;
  createContext: (options: CreateFastifyContextOptions) => unknown;
  /** Served at `/metrics`. */
  registry: Registry;
  /** Readiness checks for `/readyz`; ready when every one is true. */
  readiness: () => Promise<Record<string, boolean>>;
  /** More for `/readyz` to report beside its checks (the auth app: its feed's status). */
  readinessDetail?: () => Record<string, unknown>;
  /** The web client's origin, allowed by CORS with credentials; no other origin is. Unset: no CORS. */
  webOrigin?: string;
  /** Set: `/metrics` answers only `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string | undefined;
  /** Largest request body, in bytes (default 64 KiB); larger ones get 413 before they are parsed. */
  bodyLimitBytes?: number;
  /**
   * The app's own plugins and routes (the auth app: form bodies, OAuth endpoints, JWKS), added after
   * the shared ones and before the error handler, which covers them too.
   */
  extend?: (app: FastifyInstance) => Promise<void> | void;
}

/**
 * Serves a Prometheus registry at `/metrics`. With a token, a scrape must present it (401 otherwise):
 * the figures (request rates, revocation counts, relay lag) are operational detail, not for the public.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  registry: Pick<Registry, 'contentType' | 'metrics'>,
  token: string | undefined,
): void {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const presented = Buffer.from(request.headers.authorization ?? '');
      // Constant time, so the comparison does not leak the token byte by byte.
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: 'unauthorized' });
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}

/**
 * A body-less POST (`curl -X POST`, a Postman request with no body) is taken as the JSON `{}`, so
 * `auth.logout` or a cookie-only `auth.refresh` work from any plain HTTP client instead of answering
 * 415 or "Unexpected end of JSON input". Safe against CSRF: cookie-authenticated mutations still
 * need the custom header.
 */
export function defaultJsonContentType(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const headers = request.raw.headers;
    const bodyless = !headers['transfer-encoding'] && !Number(headers['content-length']);
    if (request.method === 'POST' && bodyless && !headers['content-type'])
      headers['content-type'] = 'application/json';
  });
  app.addHook('preHandler', async (request) => {
    if (request.method === 'POST' && (request.body === undefined || request.body === '')) request.body = '{}';
  });
}

/**
 * `HEAD /trpc/...` is refused with 405. tRPC answers every HEAD with 204 before it routes, so no
 * procedure and no token check ever runs, yet a client or monitor probing a token with HEAD would read
 * that 204 as "valid". Queries are GETs, mutations POSTs; nothing else is served there.
 */
export function refuseHeadOnTrpc(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'HEAD' && request.url.startsWith('/trpc/'))
      return reply.code(405).header('allow', 'GET, POST').send();
  });
}

/**
 * A fastify app with tRPC at `/trpc` (plain JSON, no transformer), `/healthz`, `/readyz` and
 * `/metrics`, cookie parsing, and an error handler that keeps client errors 4xx and never sends a
 * stack trace.
 */
export async function createHttpApp<TRouter extends AnyRouter>(
  options: HttpAppOptions<TRouter>,
): Promise<FastifyInstance> {
  const { logger } = options;
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: bodyLimitBytes,
    ...SERVER_TIMEOUTS,
  });
  await app.register(cookie);
  if (options.webOrigin) {
    await app.register(cors, {
      origin: [options.webOrigin],
      credentials: true,
      allowedHeaders: ['content-type', 'authorization', CSRF_HEADER],
    });
  }
  defaultJsonContentType(app);
  refuseHeadOnTrpc(app);
  limitTrpcRequests(app, { bodyLimitBytes });
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: options.router,
      createContext: options.createContext,
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      onError({ error, path }: { error: { code: string; cause?: unknown }; path?: string }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          logger.error({ err: error.cause ?? error, path }, 'trpc: internal error');
      },
    },
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const checks = await options.readiness();
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ ready, checks, ...options.readinessDetail?.() });
  });
  registerMetricsRoute(app, options.registry, options.metricsToken);
  await options.extend?.(app);
  // Fastify's own errors (bad JSON, body too large, unsupported type) keep their 4xx; nothing leaks a stack.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) logger.error({ err: error }, 'http: internal error');
    return reply.code(status).send({ error: status === 500 ? 'Internal server error' : error.message });
  });
  return app;
}
