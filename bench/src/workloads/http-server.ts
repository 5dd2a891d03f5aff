// One of the three servers of the `http` workload, in its own process: the real service HTTP app
// (createHttpApp: fastify + tRPC) with the same query behind ours (protectedProcedure), nothing
// (publicProcedure) or the tutorial's middleware (Redis GET of the token, then jsonwebtoken verify).
import type { AddressInfo } from 'node:net';
import { localKeys } from '@revoke/auth';
import { createAuthStack, createHttpApp, createServiceTRPC, type ServiceContext } from '@revoke/service';
import { initTRPC, TRPCError } from '@trpc/server';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { pino } from 'pino';
import { Registry } from 'prom-client';

const variant = process.argv[2];
const { REDIS_URL = '', PREFIX = '', ISSUER = '', AUDIENCE = '', JWKS = '', JWT_SECRET = '' } = process.env;
const logger = pino({ level: 'warn' });
/** Same CORS set-up in all three; the load sends no Origin, so it never applies. */
const WEB_ORIGIN = 'http://127.0.0.1:5173';

async function oursApp() {
  const stack = createAuthStack({
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    authUrl: ISSUER,
    audience: AUDIENCE,
    clockToleranceSec: 5,
    staleAfterMs: 3000,
    maxLifetimeSec: 3600,
    logger,
    keys: localKeys(JSON.parse(JWKS)),
  });
  await stack.feed.start();
  // The services' own tRPC set-up: createAuthProcedure concatenated onto their initTRPC.
  const { router, protectedProcedure } = createServiceTRPC<ServiceContext>();
  return createHttpApp({
    logger,
    router: router({ whoami: protectedProcedure.query(({ ctx }) => ({ sub: ctx.user.sub })) }),
    createContext: ({ req }): ServiceContext => ({ headers: req.headers, auth: stack }),
    registry: stack.metrics.registry,
    readiness: async () => ({ feed: stack.feed.ready }),
    webOrigin: WEB_ORIGIN,
  });
}

/** The tutorial's design, or (`tutorial` false) no authentication at all. */
function plainApp(tutorial: boolean) {
  const t = initTRPC.context<{ token: string | undefined }>().create({ isDev: false });
  const redis = tutorial ? new Redis(REDIS_URL) : undefined;
  const guarded = t.procedure.use(async ({ ctx, next }) => {
    // The tutorial's middleware, as written: blacklist check first, then the signature.
    if (!ctx.token) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Token missing' });
    if (await redis?.get(ctx.token)) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Token expired (logged out)' });
    }
    try {
      return next({ ctx: { user: jwt.verify(ctx.token, JWT_SECRET) as jwt.JwtPayload } });
    } catch {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Unauthorized' });
    }
  });
  const router = tutorial
    ? t.router({ whoami: guarded.query(({ ctx }) => ({ sub: String(ctx.user._id) })) })
    : t.router({ whoami: t.procedure.query(() => ({ sub: 'anonymous' })) });
  return createHttpApp({
    logger,
    router,
    createContext: ({ req }) => ({ token: req.headers.authorization }),
    registry: new Registry(),
    readiness: async () => ({}),
    webOrigin: WEB_ORIGIN,
  });
}

const app = await (variant === 'ours' ? oursApp() : plainApp(variant === 'tutorial'));
await app.listen({ port: 0, host: '127.0.0.1' });
process.send?.({ type: 'ready', port: (app.server.address() as AddressInfo).port });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
