import type { AddressInfo } from 'node:net';
import { type AccessClaims, AuthError, type AuthenticateOptions, type AuthGuard } from '@revoke/auth';
import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTRPC, type ServiceContext } from './service-trpc.ts';

/** Accepts the tokens `tokens` maps to a `sub`; refuses the rest as the real guard would. */
function guardOf(tokens: Record<string, string>, seen: AuthenticateOptions[] = []): AuthGuard {
  return {
    async authenticate(token, options) {
      seen.push(options ?? {});
      const sub = tokens[token as string];
      if (sub) return { sub, sid: 's-1', jti: 'j-1', iat: 1, exp: 2, iss: 'i', aud: 'a' } as AccessClaims;
      throw new AuthError(token ? 'TOKEN_INVALID' : 'TOKEN_MISSING');
    },
  };
}

const { router, publicProcedure, protectedProcedure, internalProcedure } =
  createServiceTRPC<ServiceContext>();
const appRouter = router({
  whoami: protectedProcedure.query(({ ctx }) => ctx.user.sub),
  lenient: protectedProcedure.meta({ failOpen: true }).query(({ ctx }) => ctx.user.sub),
  record: internalProcedure.mutation(({ ctx }) => ({ sub: ctx.user.sub, caller: ctx.caller })),
  boom: publicProcedure.query(() => {
    throw new Error('secret detail at /srv/x.ts:1');
  }),
  databaseDown: publicProcedure.query(() => {
    throw Object.assign(new Error('connect ECONNREFUSED db-7.internal:5432'), { code: 'ECONNREFUSED' });
  }),
});

const seen: AuthenticateOptions[] = [];
let url = '';
let internalCallers: readonly string[] | undefined = ['notes'];
const server = createHTTPServer({
  router: appRouter,
  createContext: ({ req }): ServiceContext => ({
    headers: req.headers,
    auth: {
      guard: guardOf({ user: 'alice' }, seen),
      accessCookie: '__Host-access_token',
      serviceGuard: guardOf({ 'svc-notes': 'notes', 'svc-billing': 'billing' }),
    },
    internalCallers,
  }),
});
beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function call(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(`${url}/${path}`, { method, headers, body: method === 'POST' ? '{}' : null });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text };
}

describe('createServiceTRPC', () => {
  it('authenticates by header or by the context’s cookie name; a refusal carries its reason, no stack', async () => {
    expect((await call('whoami', { authorization: 'Bearer user' })).body.result.data).toBe('alice');
    expect((await call('whoami', { cookie: '__Host-access_token=user' })).status).toBe(200);
    const refused = await call('whoami', { cookie: 'access_token=user' });
    expect(refused.status).toBe(401);
    expect(refused.body.error.data.reason).toBe('TOKEN_MISSING');
    expect(refused.text).not.toMatch(/stack|\.ts:\d/);
  });

  it('fails open only where the meta says so', async () => {
    seen.length = 0;
    await call('whoami', { authorization: 'Bearer user' });
    await call('lenient', { authorization: 'Bearer user' });
    expect(seen).toEqual([{ failOpen: false }, { failOpen: true }]);
  });

  it('hides internal errors: a generic message, no stack, no detail', async () => {
    const { status, body, text } = await call('boom');
    expect(status).toBe(500);
    expect(body.error.message).toBe('Internal server error');
    expect(text).not.toContain('secret detail');
    expect(text).not.toContain('stack');
  });

  it('answers 503 "try again" when the database is unavailable, still with no detail', async () => {
    const { status, body, text } = await call('databaseDown');
    expect(status).toBe(503);
    expect(body.error.data.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toBe('Temporarily unavailable; try again shortly');
    expect(text).not.toContain('db-7');
    expect(text).not.toContain('stack');
  });

  it('admits an internal call only from a listed caller, and none where the context lists no callers', async () => {
    const as = (service: string) => ({
      'content-type': 'application/json',
      authorization: 'Bearer user',
      [SERVICE_TOKEN_HEADER]: `Bearer ${service}`,
    });
    const admitted = await call('record', as('svc-notes'), 'POST');
    expect(admitted.body.result.data).toEqual({ sub: 'alice', caller: 'notes' });
    const billing = await call('record', as('svc-billing'), 'POST');
    expect(billing.status).toBe(403);
    expect(billing.body.error.data.reason).toBeUndefined();
    internalCallers = undefined;
    try {
      const none = await call('record', as('svc-notes'), 'POST');
      expect(none.status).toBe(403);
      expect(none.body.error.message).toBe('This service takes no internal calls');
    } finally {
      internalCallers = ['notes'];
    }
  });
});
