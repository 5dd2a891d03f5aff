import { request } from 'node:http';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp } from './http-app.ts';
import { SERVER_TIMEOUTS, TRPC_MAX_BATCH_SIZE } from './request-limits.ts';
import { createServiceTRPC, type ServiceContext } from './service-trpc.ts';

// The services' own tRPC setup: its error formatter is what keeps stacks out of responses.
const { router: makeRouter, publicProcedure } = createServiceTRPC<ServiceContext>();
const router = makeRouter({
  echo: publicProcedure.mutation(() => ({ ok: true })),
  optional: publicProcedure
    .input(z.object({ name: z.string().optional() }).optional())
    .mutation(({ input }) => ({ name: input?.name ?? null })),
  boom: publicProcedure.query(() => {
    throw new Error('secret detail at /srv/x.ts:1');
  }),
});

let close: (() => Promise<unknown>) | undefined;
afterEach(() => close?.());

async function start(ready: Record<string, boolean>, metricsToken?: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'test' });
  const app = await createHttpApp({
    logger: pino({ level: 'silent' }),
    router,
    createContext: () => ({}) as ServiceContext,
    registry,
    readiness: async () => ready,
    webOrigin: 'http://web.test',
    metricsToken,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
  const { port } = app.server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

describe('createHttpApp', () => {
  it('answers /healthz, and /readyz 200 only when every check passes', async () => {
    const url = await start({ feed: true, postgres: false });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, checks: { feed: true, postgres: false } });
  });

  it('serves Prometheus text at /metrics', async () => {
    const url = await start({ feed: true });
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
  });

  it('with METRICS_TOKEN, serves /metrics only to a scrape presenting it', async () => {
    const token = 'scrape-secret-0123456789';
    const url = await start({ feed: true }, token);
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${token}x`, token]) {
      const refused = await fetch(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('Bearer');
      expect(await refused.text()).not.toContain('service="test"');
    }
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
  });

  it('refuses HEAD on /trpc with 405 (tRPC would answer 204 without running anything)', async () => {
    const url = await start({ feed: true });
    const response = await fetch(`${url}/trpc/boom`, { method: 'HEAD' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
  });

  it('takes a body-less POST without a content type as JSON (curl -X POST)', async () => {
    const url = await start({ feed: true });
    const response = await fetch(`${url}/trpc/echo`, { method: 'POST' });
    expect(response.status).toBe(200);
    // Also with a JSON content type and no body, for a procedure with an optional input.
    for (const headers of [{}, { 'content-type': 'application/json' }] as Record<string, string>[]) {
      const optional = await fetch(`${url}/trpc/optional`, { method: 'POST', headers });
      expect(optional.status).toBe(200);
      expect(await optional.json()).toEqual({ result: { data: { name: null } } });
    }
  });

  it('never sends a stack or an internal message', async () => {
    const url = await start({ feed: true });
    const response = await fetch(`${url}/trpc/boom`);
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toContain('secret detail');
    const tooLarge = await fetch(`${url}/trpc/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(100_000) }),
    });
    expect(tooLarge.status).toBe(413);
  });

  it('lets only the web origin through CORS, with credentials and the CSRF header', async () => {
    const url = await start({ feed: true });
    const preflight = (origin: string) =>
      fetch(`${url}/trpc/echo`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-revoke-csrf',
        },
      });
    const allowed = await preflight('http://web.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://web.test');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect((await preflight('https://evil.test')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

/** Sends only a request's headers and resolves with the status the server answers from them alone. */
function statusFromHeaders(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
    req.setTimeout(3000, () => req.destroy(new Error('the server waited for the body')));
    req.flushHeaders();
  });
}

describe('limitTrpcRequests', () => {
  it('refuses an oversized or non-JSON body from its headers, before reading any of it', async () => {
    const url = `${await start({ feed: true })}/trpc/echo`;
    const multipart = 'multipart/form-data; boundary=b';
    expect(await statusFromHeaders(url, { 'content-type': multipart, 'content-length': '67108864' })).toBe(
      413,
    );
    expect(await statusFromHeaders(url, { 'content-type': multipart, 'transfer-encoding': 'chunked' })).toBe(
      415,
    );
    expect(await statusFromHeaders(url, { 'content-type': 'text/plain', 'content-length': '10' })).toBe(415);
    const json = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(200);
  });

  it('caps a batch at TRPC_MAX_BATCH_SIZE procedures', async () => {
    const url = await start({ feed: true });
    const batch = (n: number) =>
      fetch(`${url}/trpc/${Array(n).fill('echo').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await batch(TRPC_MAX_BATCH_SIZE)).status).toBe(200);
    expect((await batch(TRPC_MAX_BATCH_SIZE + 1)).status).toBe(400);
  });
});

describe('server timeouts', () => {
  it('closes a connection whose body trickles in slower than requestTimeout allows', async () => {
    const url = new URL(`${await start({ feed: true })}/trpc/echo`);
    const { createConnection } = await import('node:net');
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.on('error', () => {});
    socket.write(
      `POST ${url.pathname} HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{`,
    );
    // One byte a second: never finishes the 1000-byte body.
    const drip = setInterval(() => socket.write(' '), 1000);
    try {
      const after = await closed;
      expect(after).toBeGreaterThanOrEqual(SERVER_TIMEOUTS.requestTimeout - 1000);
      expect(after).toBeLessThan(SERVER_TIMEOUTS.requestTimeout + 5000);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }, 30_000);
});
