import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/**
 * Server timeouts for every app. `requestTimeout` bounds how long a client may take to send a whole
 * request (headers and body): a slow-body client holds a socket for at most that long, plus Node's
 * check interval, set to a second (its default of 30 s would triple the hold). Node enforces it only
 * while `headersTimeout` (default 60 s) is no longer than it, so that is set too. `connectionTimeout`
 * closes a socket on which nothing moved for that long; live SSE streams stay under it because tRPC
 * pings them (`createServiceTRPC`'s `sse.ping`).
 */
export const SERVER_TIMEOUTS = {
  requestTimeout: 15_000,
  connectionTimeout: 120_000,
  http: { headersTimeout: 10_000, connectionsCheckingInterval: 1000 },
} as const satisfies Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout'> & {
  http: { headersTimeout: number; connectionsCheckingInterval: number };
};

/**
 * Most procedures one batched tRPC request may call: a batch of N runs N procedures for the price of
 * one request, so without a cap a single request is an unbounded loop (each one a token check, a
 * database query, or, on login, a password hash).
 */
export const TRPC_MAX_BATCH_SIZE = 10;

/** The only request body tRPC is served here: JSON. tRPC's own multipart/form-data support is unused. */
const TRPC_CONTENT_TYPE = 'application/json';

/**
 * Refuses a `/trpc/...` request whose body could be read unbounded, before any of it is read:
 * - 413 when its declared `content-length` exceeds `bodyLimitBytes`, whatever the method and type;
 * - 415 for any body that is not JSON. tRPC's fastify plugin parses `multipart/form-data` itself,
 *   from the raw stream, buffering all of it: fastify's `bodyLimit` never applies there, so a 64 MiB
 *   multipart POST would be read in full. No procedure here accepts form data, so none is served.
 *
 * JSON bodies (also chunked ones) stay bounded by fastify's `bodyLimit` while they are read. A
 * body-less POST is taken as JSON by `defaultJsonContentType`, which must be registered first.
 */
export function limitTrpcRequests(app: FastifyInstance, options: { bodyLimitBytes: number }): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/trpc/')) return;
    const headers = request.raw.headers;
    const length = Number(headers['content-length'] ?? 0);
    if (length > options.bodyLimitBytes) {
      // Closed after the answer: the unread body must not be drained at our expense.
      return reply
        .code(413)
        .header('connection', 'close')
        .send({ error: `Request body too large (at most ${options.bodyLimitBytes} bytes)` });
    }
    const hasBody = headers['transfer-encoding'] !== undefined || length > 0;
    const type = headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    if (hasBody && type !== TRPC_CONTENT_TYPE) {
      return reply
        .code(415)
        .header('connection', 'close')
        .header('accept', TRPC_CONTENT_TYPE)
        .send({ error: `Unsupported content type: tRPC takes ${TRPC_CONTENT_TYPE}` });
    }
  });
}
