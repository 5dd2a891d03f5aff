import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { Redis } from 'ioredis';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAuthGuard } from '../guard.ts';
import { RevocationFeed } from '../revocation/feed.ts';
import { createRevocationWriter, type RevocationWriter } from '../revocation/writer.ts';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../testing/redis-server.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { localKeys } from '../verify/key-source.ts';
import { createTokenVerifier, type TokenVerifier } from '../verify/verify-token.ts';
import { authReasonOf, createAuthProcedure } from './procedure.ts';

// A team's own tRPC server, as it was before adopting @revoke/auth: its context (a database handle
// and a request id), its meta, superjson, and an error formatter of its own. The auth procedure is
// concatenated onto its procedures; nothing else of the team's setup changes.
interface Db {
  notesOf(sub: string): string[];
}
interface UserContext {
  db: Db;
  requestId: string;
  req: IncomingMessage;
}
interface UserMeta {
  failOpen?: boolean;
}

function buildRouter(guard: ReturnType<typeof createAuthGuard>) {
  const t = initTRPC
    .context<UserContext>()
    .meta<UserMeta>()
    .create({
      transformer: superjson,
      errorFormatter: ({ shape, error, ctx }) => ({
        ...shape,
        data: { ...shape.data, stack: undefined, reason: authReasonOf(error), requestId: ctx?.requestId },
      }),
    });
  const authed = t.procedure.concat(
    createAuthProcedure<UserContext, UserMeta>({
      guard,
      getHeaders: (ctx) => ctx.req.headers,
      failOpen: ({ meta }) => meta?.failOpen === true,
    }),
  );
  return t.router({
    ping: t.procedure.query(() => 'pong'),
    whoami: authed.query(({ ctx }) => ({
      sub: ctx.user.sub,
      sid: ctx.user.sid,
      notes: ctx.db.notesOf(ctx.user.sub),
      requestId: ctx.requestId,
      issuedAt: new Date(ctx.user.iat * 1000),
    })),
    status: authed.meta({ failOpen: true }).query(({ ctx }) => ({ sub: ctx.user.sub })),
    later: authed.input(z.object({ at: z.date() })).mutation(({ input, ctx }) => ({
      sub: ctx.user.sub,
      at: input.at,
      later: new Date(input.at.getTime() + 1000),
    })),
  });
}
type Router = ReturnType<typeof buildRouter>;

interface Server {
  url: string;
  feed: RevocationFeed;
  verifier: TokenVerifier;
  close(): Promise<void>;
}

async function startServer(redisUrl: string, prefix: string, signer: TestSigner): Promise<Server> {
  const feed = new RevocationFeed({
    redisUrl,
    prefix,
    staleAfterMs: 500,
    heartbeatMs: 200,
    directTimeoutMs: 200,
  });
  const verifier = createTokenVerifier({
    issuer: signer.issuer,
    audience: signer.audience,
    keys: localKeys(signer.jwks),
  });
  await feed.start();
  const db: Db = { notesOf: (sub) => [`${sub}'s first note`] };
  let requests = 0;
  const server = createHTTPServer({
    router: buildRouter(createAuthGuard({ verifier, feed })),
    createContext: ({ req }) => ({ db, requestId: `req-${++requests}`, req }),
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    feed,
    verifier,
    async close() {
      await feed.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function clientFor(server: Server, headers: Record<string, string> = {}) {
  return createTRPCClient<Router>({
    links: [httpLink({ url: server.url, transformer: superjson, headers })],
  });
}

/** The error a call was refused with, as the client sees it. */
async function refusal(call: Promise<unknown>): Promise<TRPCClientError<Router>> {
  const error = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<Router>;
}

describe('createAuthProcedure on a team’s own initTRPC (superjson, its context and formatter)', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix('trpc-plugin');
  let signer: TestSigner;
  let redis: Redis;
  let writer: RevocationWriter;
  let server: Server;

  beforeAll(async () => {
    signer = await createTestSigner();
    redis = new Redis(redisUrl);
    writer = createRevocationWriter({ redis, prefix });
    await writer.setEpoch();
    server = await startServer(redisUrl, prefix, signer);
  });
  afterAll(async () => {
    await server?.close();
    redis?.disconnect();
  });

  it('answers a valid token with ctx.user beside the team’s own context, Dates intact', async () => {
    const token = await signer.sign({ sub: 'alice' });
    const me = await clientFor(server, { authorization: `Bearer ${token}` }).whoami.query();
    expect(me).toMatchObject({
      sub: 'alice',
      notes: ["alice's first note"],
      requestId: expect.stringMatching(/^req-/),
    });
    expect(me.issuedAt).toBeInstanceOf(Date);
  });

  it('round-trips a Date through the team’s superjson transformer, both ways', async () => {
    const token = await signer.sign({ sub: 'alice' });
    const at = new Date('2024-02-29T12:34:56.789Z');
    const answer = await clientFor(server, { authorization: `Bearer ${token}` }).later.mutate({ at });
    expect(answer.at).toBeInstanceOf(Date);
    expect(answer.at.toISOString()).toBe(at.toISOString());
    expect(answer.later.toISOString()).toBe('2024-02-29T12:34:57.789Z');
    expect(answer.sub).toBe('alice');
  });

  it('refuses a token revoked by the writer, once the feed has the event: UNAUTHORIZED, TOKEN_REVOKED', async () => {
    const token = await signer.sign({ sub: 'bob' });
    const client = clientFor(server, { authorization: `Bearer ${token}` });
    expect((await client.whoami.query()).sub).toBe('bob');
    const claims = await server.verifier.verify(token);
    await writer.revokeToken({ jti: claims.jti, exp: claims.exp });
    await vi.waitFor(() => expect(server.feed.cache.isRevoked(claims)).toBe(true), { timeout: 5000 });
    const error = await refusal(client.whoami.query());
    expect(error.message).toBe('Token revoked (logged out)');
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, reason: 'TOKEN_REVOKED' });
    // The team's formatter ran, with the team's context.
    expect(error.data?.requestId).toMatch(/^req-/);
    expect(error.data?.stack).toBeUndefined();
  });

  it.each([
    ['no credentials', {}, 'TOKEN_MISSING'],
    ['garbage', { authorization: 'Bearer not-a-jwt' }, 'TOKEN_INVALID'],
    [
      'a header and a cookie that differ',
      { authorization: 'Bearer a.b.c', cookie: 'access_token=d.e.f' },
      'TOKEN_INVALID',
    ],
  ])('refuses %s: UNAUTHORIZED with reason %s', async (_, headers, reason) => {
    const error = await refusal(clientFor(server, headers).whoami.query());
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, reason });
  });

  it('leaves public procedures alone', async () => {
    expect(await clientFor(server).ping.query()).toBe('pong');
  });

  it('refuses a cookie-authenticated mutation without the CSRF header (FORBIDDEN), not one with it', async () => {
    const token = await signer.sign({ sub: 'carol' });
    const at = new Date();
    const cookie = { cookie: `access_token=${token}` };
    const error = await refusal(clientFor(server, cookie).later.mutate({ at }));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', httpStatus: 403 });
    const withCsrf = await clientFor(server, { ...cookie, 'x-revoke-csrf': '1' }).later.mutate({ at });
    expect(withCsrf.sub).toBe('carol');
    expect((await clientFor(server, cookie).whoami.query()).sub).toBe('carol');
  });
});

describe('createAuthProcedure when revocation state is unavailable (private redis-server)', () => {
  let redis: PrivateRedis;
  let signer: TestSigner;
  let server: Server;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    signer = await createTestSigner();
    const client = new Redis(redis.url);
    await createRevocationWriter({ redis: client, prefix: 'svc:' }).setEpoch();
    client.disconnect();
    server = await startServer(redis.url, 'svc:', signer);
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('fails closed with SERVICE_UNAVAILABLE, REVOCATION_UNAVAILABLE, except where the team’s meta opts in', async () => {
    const token = await signer.sign({ sub: 'dave' });
    const client = clientFor(server, { authorization: `Bearer ${token}` });
    expect((await client.whoami.query()).sub).toBe('dave');
    await redis.stop();
    await vi.waitFor(() => expect(server.feed.isFresh()).toBe(false), { timeout: 5000, interval: 20 });
    const error = await refusal(client.whoami.query());
    expect(error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 503,
      reason: 'REVOCATION_UNAVAILABLE',
    });
    expect(await client.status.query()).toEqual({ sub: 'dave' });
  });
});
