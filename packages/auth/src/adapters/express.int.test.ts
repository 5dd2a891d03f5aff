import type { AddressInfo } from 'node:net';
import express from 'express';
import { describeAdapter } from './adapter-suite.ts';
import { createExpressAuth } from './express.ts';

// The tutorial's framework: an Express 5 app, `app.listen`, the middleware in front of the route.
describeAdapter(
  'Express',
  async (options) => {
    const app = express();
    const requireAuth = createExpressAuth(options);
    const me: express.RequestHandler = (req, res) => {
      // Both places the middleware puts the claims must hold the same ones.
      const via = req.auth && res.locals.auth === req.auth ? 'req.auth+res.locals.auth' : 'missing';
      res.json({ sub: req.auth?.sub, sid: req.auth?.sid, via });
    };
    app.get('/me', requireAuth, me);
    app.post('/me', express.json(), requireAuth, me);
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
      const listening = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(listening)));
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
  'req.auth+res.locals.auth',
);
