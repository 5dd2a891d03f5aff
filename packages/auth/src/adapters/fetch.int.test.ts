import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AccessClaims } from '../claims.ts';
import { describeAdapter } from './adapter-suite.ts';
import { createFetchAuth, refusalResponse } from './fetch.ts';

// The Fetch API adapter as a Hono app uses it (`c.req.raw` is the Request), served by @hono/node-server.
describeAdapter(
  'Fetch (Hono)',
  async (options) => {
    const authenticate = createFetchAuth(options);
    const app = new Hono<{ Variables: { claims: AccessClaims } }>();
    app.use('/me', async (c, next) => {
      const auth = await authenticate(c.req.raw);
      if (!auth.ok) return refusalResponse(auth);
      c.set('claims', auth.claims);
      await next();
    });
    const me = (c: import('hono').Context<{ Variables: { claims: AccessClaims } }>) => {
      const claims = c.get('claims');
      return c.json({ sub: claims.sub, sid: claims.sid, via: 'c.get(claims)' });
    };
    app.get('/me', me);
    app.post('/me', me);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
  'c.get(claims)',
);
