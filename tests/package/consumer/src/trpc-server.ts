// The README's tRPC example: the user's own initTRPC, with the package's procedure builder concatenated.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRevocationGuard } from '@revoke/auth';
import { authReasonOf, createAuthProcedure } from '@revoke/auth/trpc';
import { initTRPC } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';

const auth = createRevocationGuard({
  issuer: process.env.AUTH_URL ?? 'http://127.0.0.1:4000',
  audience: 'revoke',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.REVOCATION_PREFIX ?? 'revoke:',
  staleAfterMs: Number(process.env.STALE_AFTER_MS ?? 3000),
});

const t = initTRPC.context<{ req: IncomingMessage }>().create({
  errorFormatter: ({ shape, error }) => ({ ...shape, data: { ...shape.data, reason: authReasonOf(error) } }),
});
const authed = t.procedure.concat(
  createAuthProcedure({ guard: auth, getHeaders: (ctx: { req: IncomingMessage }) => ctx.req.headers }),
);
const appRouter = t.router({
  me: authed.query(({ ctx }) => ({ sub: ctx.user.sub })),
});
export type AppRouter = typeof appRouter;

await auth.start();
const handler = createHTTPHandler({ router: appRouter, createContext: ({ req }) => ({ req }) });
const server = createServer((req, res) => handler(req, res));
server.listen(Number(process.env.PORT ?? 3001), '127.0.0.1', () => {
  console.log(`listening on ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => void auth.close().then(() => process.exit(0))));
