// The behaviour every HTTP adapter must have, run against a real server of each framework over HTTP,
// the real Redis at REDIS_URL (each suite on its own key prefix) and real tokens. Not a test file by
// itself: `express.int.test.ts`, `fastify.int.test.ts` and `fetch.int.test.ts` call it.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { createAuthGuard } from '../guard.ts';
import { RevocationFeed, type RevocationFeedOptions } from '../revocation/feed.ts';
import { createRevocationWriter, type RevocationWriter } from '../revocation/writer.ts';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '../testing/redis-server.ts';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { localKeys } from '../verify/key-source.ts';
import { createTokenVerifier, type TokenVerifier } from '../verify/verify-token.ts';
import type { RequestAuthOptions } from './decide.ts';

/** A running server of one framework, protecting `GET /me` and `POST /me` with its adapter. */
export interface AdapterServer {
  /** Base URL, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the framework's server with `options` passed to its adapter. `GET /me` and `POST /me` answer
 * 200 `{ sub, sid, via }` from the claims the adapter attached (`via` names where the route read them).
 */
export type StartAdapterServer = (options: RequestAuthOptions) => Promise<AdapterServer>;

interface Protected {
  feed: RevocationFeed;
  verifier: TokenVerifier;
  options: RequestAuthOptions;
  close(): Promise<void>;
}

async function protect(
  signer: TestSigner,
  feedOptions: Pick<RevocationFeedOptions, 'redisUrl' | 'prefix'> & Partial<RevocationFeedOptions>,
): Promise<Protected> {
  const feed = new RevocationFeed({
    staleAfterMs: 1000,
    heartbeatMs: 200,
    directTimeoutMs: 200,
    ...feedOptions,
  });
  const verifier = createTokenVerifier({
    issuer: signer.issuer,
    audience: signer.audience,
    keys: localKeys(signer.jwks),
  });
  await feed.start();
  return {
    feed,
    verifier,
    options: { guard: createAuthGuard({ verifier, feed }) },
    close: () => feed.close(),
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: { sub?: string; sid?: string; via?: string; error?: { code: string; message: string } };
  text: string;
}

async function request(
  server: AdapterServer,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const method = init.method ?? 'GET';
  const headers = { ...(method === 'GET' ? {} : { 'content-type': 'application/json' }), ...init.headers };
  const response = await fetch(`${server.url}/me`, {
    method,
    headers,
    ...(method === 'GET' ? {} : { body: '{}' }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A refusal as every adapter must answer it: the status, the code, a message, and nothing else. */
function expectRefusal(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body.error?.code }).toEqual({ status, code });
  expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.text).not.toMatch(/stack|\.ts:\d|at .+\(/);
}

/** The adapter contract, for one framework. `via` is what its routes report as where they read the claims. */
export function describeAdapter(framework: string, start: StartAdapterServer, via: string): void {
  describe(`${framework} adapter over HTTP (shared Redis)`, () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = testPrefix(`adapter-${framework.toLowerCase()}`);
    let signer: TestSigner;
    let redis: Redis;
    let writer: RevocationWriter;
    let stack: Protected;
    let server: AdapterServer;

    beforeAll(async () => {
      signer = await createTestSigner();
      redis = new Redis(redisUrl);
      writer = createRevocationWriter({ redis, prefix });
      await writer.setEpoch();
      stack = await protect(signer, { redisUrl, prefix });
      server = await start(stack.options);
    });
    afterAll(async () => {
      await server?.close();
      await stack?.close();
      redis?.disconnect();
    });

    it('answers 200 with the claims for a valid token, by Bearer header, bare header or cookie', async () => {
      const token = await signer.sign({ sub: 'alice' });
      for (const headers of [bearer(token), { authorization: token }, { cookie: `access_token=${token}` }]) {
        const answer = await request(server, { headers });
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ sub: 'alice', via });
      }
    });

    it('refuses a request without credentials: 401 TOKEN_MISSING with a Bearer challenge', async () => {
      const answer = await request(server);
      expectRefusal(answer, 401, 'TOKEN_MISSING');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    });

    it.each([
      ['garbage', { authorization: 'Bearer not-a-jwt' }],
      ['a Basic header', { authorization: 'Basic YTpi' }],
      ['a header and a cookie that differ', { authorization: 'Bearer a.b.c', cookie: 'access_token=d.e.f' }],
    ])('refuses %s: 401 TOKEN_INVALID', async (_, headers) => {
      const answer = await request(server, { headers });
      expectRefusal(answer, 401, 'TOKEN_INVALID');
      expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it('refuses an expired token: 401 TOKEN_EXPIRED', async () => {
      const old = Math.floor(Date.now() / 1000) - 3600;
      const token = await signer.sign({ iat: old, exp: old + 900 });
      expectRefusal(await request(server, { headers: bearer(token) }), 401, 'TOKEN_EXPIRED');
    });

    it('refuses a token revoked by the writer once the feed has the event: 401 TOKEN_REVOKED', async () => {
      const token = await signer.sign({ sub: 'bob' });
      expect((await request(server, { headers: bearer(token) })).status).toBe(200);
      const claims: AccessClaims = await stack.verifier.verify(token);
      await writer.revokeToken({ jti: claims.jti, exp: claims.exp });
      // One pub/sub hop: the feed applies the event; no assertion on how long that took.
      await vi.waitFor(() => expect(stack.feed.cache.isRevoked(claims)).toBe(true), { timeout: 5000 });
      const answer = await request(server, { headers: bearer(token) });
      expectRefusal(answer, 401, 'TOKEN_REVOKED');
      expect(answer.body.error?.message).toBe('Token revoked (logged out)');
    });

    it('needs the CSRF header for an unsafe method authenticated by cookie, not for a Bearer token', async () => {
      const token = await signer.sign({ sub: 'carol' });
      const cookie = { cookie: `access_token=${token}` };
      expectRefusal(await request(server, { method: 'POST', headers: cookie }), 403, 'CSRF_REQUIRED');
      const crossSite = { ...cookie, 'x-revoke-csrf': '1', 'sec-fetch-site': 'cross-site' };
      expectRefusal(await request(server, { method: 'POST', headers: crossSite }), 403, 'CSRF_REQUIRED');
      const withCsrf = await request(server, {
        method: 'POST',
        headers: { ...cookie, 'x-revoke-csrf': '1' },
      });
      expect(withCsrf.status).toBe(200);
      expect(withCsrf.body.sub).toBe('carol');
      expect((await request(server, { method: 'POST', headers: bearer(token) })).status).toBe(200);
      // A safe method reads with the cookie alone.
      expect((await request(server, { headers: cookie })).status).toBe(200);
    });
  });

  describe(`${framework} adapter when revocation state is unavailable (private redis-server)`, () => {
    let redis: PrivateRedis;
    let signer: TestSigner;
    let stack: Protected;
    let server: AdapterServer;
    let failOpenServer: AdapterServer;

    beforeAll(async () => {
      redis = await startPrivateRedis();
      signer = await createTestSigner();
      const client = new Redis(redis.url);
      await createRevocationWriter({ redis: client, prefix: 'svc:' }).setEpoch();
      client.disconnect();
      stack = await protect(signer, { redisUrl: redis.url, prefix: 'svc:', staleAfterMs: 500 });
      server = await start(stack.options);
      failOpenServer = await start({ ...stack.options, failOpen: true });
    });
    afterAll(async () => {
      await server?.close();
      await failOpenServer?.close();
      await stack?.close();
      await redis?.stop();
    });

    it('answers 503 REVOCATION_UNAVAILABLE once the feed is stale past S and Redis is gone', async () => {
      const token = await signer.sign({ sub: 'dave' });
      expect((await request(server, { headers: bearer(token) })).status).toBe(200);
      await redis.stop();
      await vi.waitFor(() => expect(stack.feed.isFresh()).toBe(false), { timeout: 5000, interval: 20 });
      const answer = await request(server, { headers: bearer(token) });
      expectRefusal(answer, 503, 'REVOCATION_UNAVAILABLE');
      expect(answer.headers.get('retry-after')).toBe('1');
      // Where the route opted into failing open, the token is accepted; a bad one never is.
      const open = await request(failOpenServer, { headers: bearer(token) });
      expect(open.status).toBe(200);
      expect(open.body.sub).toBe('dave');
      expectRefusal(await request(failOpenServer, { headers: bearer('x.y.z') }), 401, 'TOKEN_INVALID');
    });
  });
}
