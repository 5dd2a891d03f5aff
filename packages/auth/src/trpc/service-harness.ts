// A whole service as a user of the package builds one: its own initTRPC (no stack traces, internal
// errors hidden, the auth reason on `error.data.reason`) with the package's procedure builders
// concatenated, served over real HTTP with real guards. Not a test file by itself: `trpc.int.test.ts`
// runs it against real Redis and real tokens.
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { type AuthGuard, createAuthGuard } from '../guard.ts';
import { RevocationFeed } from '../revocation/feed.ts';
import type { TestSigner } from '../testing/token-factory.ts';
import { localKeys } from '../verify/key-source.ts';
import { createTokenVerifier } from '../verify/verify-token.ts';
import { createInternalProcedure } from './internal.ts';
import { authReasonOf, createAuthProcedure } from './procedure.ts';

/** The audience of service tokens minted for this service (user tokens carry the signer's). */
export const SERVICE_AUDIENCE = 'svc-activity';

interface Context {
  req: IncomingMessage;
  guard: AuthGuard;
  serviceGuard: AuthGuard;
}

function buildRouter() {
  const t = initTRPC
    .context<Context>()
    .meta<{ failOpen?: boolean }>()
    .create({
      isDev: false,
      errorFormatter({ shape, error }) {
        const { stack: _stack, ...data } = shape.data as typeof shape.data & { stack?: string };
        const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
        return { ...shape, message, data: { ...data, reason: authReasonOf(error) } };
      },
    });
  const getHeaders = (ctx: Context) => ctx.req.headers;
  const authed = t.procedure.concat(
    createAuthProcedure<Context, { failOpen?: boolean }>({
      guard: (ctx) => ctx.guard,
      getHeaders,
      failOpen: ({ meta }) => meta?.failOpen === true,
    }),
  );
  const internal = authed.concat(
    createInternalProcedure({ guard: (ctx: Context) => ctx.serviceGuard, callers: ['notes'], getHeaders }),
  );
  return t.router({
    ping: t.procedure.query(() => 'pong'),
    whoami: authed.query(({ ctx }) => ({ sub: ctx.user.sub, sid: ctx.user.sid })),
    status: authed.meta({ failOpen: true }).query(({ ctx }) => ({ sub: ctx.user.sub })),
    touch: authed.mutation(({ ctx }) => ({ sub: ctx.user.sub })),
    record: internal.mutation(({ ctx }) => ({ sub: ctx.user.sub, caller: ctx.caller })),
    boom: t.procedure.query(() => {
      throw new Error('secret internal detail at /srv/app.ts:42');
    }),
  });
}

export interface Service {
  url: string;
  feed: RevocationFeed;
  close(): Promise<void>;
}

export async function startService(redisUrl: string, prefix: string, signer: TestSigner): Promise<Service> {
  const feed = new RevocationFeed({
    redisUrl,
    prefix,
    staleAfterMs: 1000,
    heartbeatMs: 200,
    directTimeoutMs: 200,
  });
  const verifierFor = (audience: string) =>
    createTokenVerifier({ issuer: signer.issuer, audience, keys: localKeys(signer.jwks) });
  const guard = createAuthGuard({ verifier: verifierFor(signer.audience), feed });
  const serviceGuard = createAuthGuard({ verifier: verifierFor(SERVICE_AUDIENCE), feed });
  await feed.start();
  const server = createHTTPServer({
    basePath: '/trpc/',
    router: buildRouter(),
    createContext: ({ req }): Context => ({ req, guard, serviceGuard }),
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trpc`,
    feed,
    async close() {
      await feed.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function call(service: Service, path: string, headers: Record<string, string | undefined> = {}) {
  const response = await fetch(`${service.url}/${path}`, { headers: headers as Record<string, string> });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

export async function post(
  service: Service,
  path: string,
  headers: Record<string, string>,
  body: string | FormData = '{}',
) {
  const response = await fetch(`${service.url}/${path}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}
