import type { AddressInfo } from 'node:net';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthGuard } from '../guard.ts';
import { RevocationFeed } from '../revocation/feed.ts';
import { createRevocationWriter, type RevocationWriter } from '../revocation/writer.ts';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../testing/redis-server.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { localKeys } from '../verify/key-source.ts';
import { createTokenVerifier } from '../verify/verify-token.ts';
import { type AuthContext, createAuthContext, createAuthTRPC } from './init.ts';

// A whole service as a user of the package builds one: real HTTP, real Redis, real tokens.
function buildRouter() {
  const { router, publicProcedure, protectedProcedure } = createAuthTRPC<AuthContext>({
    isUnavailable: (error) => error instanceof Error && error.message === 'database is down',
  });
  return router({
    ping: publicProcedure.query(() => 'pong'),
    whoami: protectedProcedure.query(({ ctx }) => ({ sub: ctx.user.sub, sid: ctx.user.sid })),
    status: protectedProcedure.meta({ failOpen: true }).query(({ ctx }) => ({ sub: ctx.user.sub })),
    touch: protectedProcedure.mutation(({ ctx }) => ({ sub: ctx.user.sub })),
    boom: publicProcedure.query(() => {
      throw new Error('secret internal detail at /srv/app.ts:42');
    }),
    // What a query does when its database is down: an infrastructure failure, not a bug.
    databaseDown: protectedProcedure.query(() => {
      throw Object.assign(new Error('database is down'), { detail: 'secret host db-7.internal' });
    }),
  });
}

interface Service {
  url: string;
  feed: RevocationFeed;
  close(): Promise<void>;
}

async function startService(redisUrl: string, prefix: string, signer: TestSigner): Promise<Service> {
  const feed = new RevocationFeed({
    redisUrl,
    prefix,
    staleAfterMs: 1000,
    heartbeatMs: 200,
    directTimeoutMs: 200,
  });
  const verifier = createTokenVerifier({
    issuer: signer.issuer,
    audience: signer.audience,
    keys: localKeys(signer.jwks),
  });
  const guard = createAuthGuard({ verifier, feed });
  await feed.start();
  const server = createHTTPServer({
    basePath: '/trpc/',
    router: buildRouter(),
    createContext: ({ req }) => ({ auth: createAuthContext(guard, req.headers) }),
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

async function call(service: Service, path: string, headers: Record<string, string | undefined> = {}) {
  const response = await fetch(`${service.url}/${path}`, { headers: headers as Record<string, string> });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

describe('tRPC glue over HTTP (shared Redis)', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix('trpc');
  let signer: TestSigner;
  let service: Service;
  let redis: Redis;
  let writer: RevocationWriter;

  beforeAll(async () => {
    signer = await createTestSigner();
    redis = new Redis(redisUrl);
    writer = createRevocationWriter({ redis, prefix });
    await writer.setEpoch();
    service = await startService(redisUrl, prefix, signer);
  });
  afterAll(async () => {
    await service.close();
    redis.disconnect();
  });

  it('answers a protected query for a valid token, by header, bare header or cookie', async () => {
    const token = await signer.sign({ sub: 'alice' });
    for (const headers of [
      { authorization: `Bearer ${token}` },
      { authorization: token },
      { cookie: `access_token=${token}` },
    ]) {
      const { status, body } = await call(service, 'whoami', headers);
      expect(status).toBe(200);
      expect(body.result.data.sub).toBe('alice');
    }
  });

  it("is the tutorial's Postman test: after logout, the same token is refused as revoked", async () => {
    const token = await signer.sign();
    expect((await call(service, 'whoami', { authorization: token })).status).toBe(200);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    await writer.revokeToken({ jti: claims.jti, exp: claims.exp });
    await expect
      .poll(async () => (await call(service, 'whoami', { authorization: token })).status, {
        timeout: 1000,
        interval: 5,
      })
      .toBe(401);
    const { body } = await call(service, 'whoami', { authorization: token });
    expect(body.error.message).toBe('Token revoked (logged out)');
    expect(body.error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, reason: 'TOKEN_REVOKED' });
  });

  it.each([
    ['no credentials', {}, 'TOKEN_MISSING'],
    ['garbage', { authorization: 'Bearer not-a-jwt' }, 'TOKEN_INVALID'],
    [
      'two different tokens',
      { authorization: 'Bearer a.b.c', cookie: 'access_token=d.e.f' },
      'TOKEN_INVALID',
    ],
    ['a Basic header', { authorization: 'Basic YTpi' }, 'TOKEN_INVALID'],
  ])('refuses %s with 401 and its reason code, without a stack', async (_, headers, reason) => {
    const { status, body, text } = await call(service, 'whoami', headers);
    expect(status).toBe(401);
    expect(body.error.data.reason).toBe(reason);
    expect(text).not.toMatch(/stack|\.ts:\d/);
  });

  it('refuses cookie-authenticated mutations without the CSRF header, including cross-site form posts', async () => {
    const token = await signer.sign({ sub: 'carol' });
    const post = (headers: Record<string, string>, body: string | FormData = '{}') =>
      fetch(`${service.url}/touch`, { method: 'POST', headers, body });
    const json = { 'content-type': 'application/json' };
    expect((await post({ ...json, cookie: `access_token=${token}` })).status).toBe(403);
    const form = new FormData();
    form.set('x', '1');
    expect((await post({ cookie: `access_token=${token}` }, form)).status).toBe(403);
    const crossSite = {
      ...json,
      cookie: `access_token=${token}`,
      'x-revoke-csrf': '1',
      'sec-fetch-site': 'cross-site',
    };
    expect((await post(crossSite)).status).toBe(403);
    expect((await post({ ...json, cookie: `access_token=${token}`, 'x-revoke-csrf': '1' })).status).toBe(200);
    // A bearer token is not sent by browsers on their own: no CSRF header needed.
    expect((await post({ ...json, authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const token = await signer.sign({ iat: old, exp: old + 900 });
    const { status, body } = await call(service, 'whoami', { authorization: `Bearer ${token}` });
    expect(status).toBe(401);
    expect(body.error.data.reason).toBe('TOKEN_EXPIRED');
  });

  it('hides internal errors: a generic message, no stack, no detail', async () => {
    const { status, body, text } = await call(service, 'boom');
    expect(status).toBe(500);
    expect(body.error.message).toBe('Internal server error');
    expect(text).not.toContain('secret internal detail');
    expect(text).not.toContain('stack');
  });

  it('answers 503 "try again" when a backing service is unavailable, still with no detail', async () => {
    const token = await signer.sign();
    const { status, body, text } = await call(service, 'databaseDown', { authorization: `Bearer ${token}` });
    expect(status).toBe(503);
    expect(body.error.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toBe('Temporarily unavailable; try again shortly');
    expect(text).not.toContain('db-7');
    expect(text).not.toContain('stack');
  });
});

describe('tRPC glue when revocation state is unavailable (private redis-server)', () => {
  let redis: PrivateRedis;
  let signer: TestSigner;
  let service: Service;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    signer = await createTestSigner();
    const client = new Redis(redis.url);
    await createRevocationWriter({ redis: client, prefix: 'svc:' }).setEpoch();
    client.disconnect();
    service = await startService(redis.url, 'svc:', signer);
  });
  afterAll(async () => {
    await service.close();
    await redis.stop();
  });

  it('fails closed with 503 REVOCATION_UNAVAILABLE, except where a procedure opted into failing open', async () => {
    const token = await signer.sign({ sub: 'bob' });
    expect((await call(service, 'whoami', { authorization: token })).status).toBe(200);
    await redis.stop();
    await expect.poll(() => service.feed.isFresh(), { timeout: 3000, interval: 20 }).toBe(false);
    const refused = await call(service, 'whoami', { authorization: token });
    expect(refused.status).toBe(503);
    expect(refused.body.error.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      reason: 'REVOCATION_UNAVAILABLE',
    });
    const open = await call(service, 'status', { authorization: token });
    expect(open.status).toBe(200);
    expect(open.body.result.data.sub).toBe('bob');
    // Failing open never extends to tokens that are known to be bad.
    expect((await call(service, 'status', { authorization: 'Bearer x.y.z' })).status).toBe(401);
  });
});
