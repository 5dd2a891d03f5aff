// The README's Express example, as a user of the published package writes it (public API only).
import type { AddressInfo } from 'node:net';
import { createRevocationGuard } from '@revoke/auth';
import { createExpressAuth } from '@revoke/auth/express';
import { createRevocationWriter } from '@revoke/auth/writer';
import express from 'express';
import { Redis } from 'ioredis';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.REVOCATION_PREFIX ?? 'revoke:';

const auth = createRevocationGuard({
  issuer: process.env.AUTH_URL ?? 'http://127.0.0.1:4000', // JWKS at <issuer>/.well-known/jwks.json
  audience: 'revoke',
  redisUrl,
  prefix,
  staleAfterMs: Number(process.env.STALE_AFTER_MS ?? 3000), // S
});
const requireAuth = createExpressAuth({ guard: auth });
const writer = createRevocationWriter({ redis: new Redis(redisUrl), prefix });

const app = express();
app.get('/protected', requireAuth, (req, res) => res.json({ message: `Hello ${req.auth!.sub}` }));
app.post('/logout', requireAuth, async (req, res) => {
  await writer.revokeToken({ jti: req.auth!.jti, exp: req.auth!.exp });
  res.json({ message: 'Logged out' });
});
app.get('/readyz', (_req, res) => res.status(auth.ready ? 200 : 503).json(auth.status()));

await auth.start(); // the first snapshot: only then does "not revoked" mean anything
const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => void auth.close().then(() => process.exit(0))));
