import { initTRPC, TRPCError } from '@trpc/server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import type { AuthGuard } from '../guard.ts';
import { SERVICE_TOKEN_HEADER } from './credentials.ts';
import { createInternalProcedure } from './internal.ts';
import { authReasonOf, createAuthProcedure } from './procedure.ts';

const claimsOf = (sub: string): AccessClaims =>
  ({ sub, sid: 's-1', jti: 'j-1', iat: 1, exp: 2, iss: 'i', aud: 'a' }) as AccessClaims;

/** Accepts the tokens `tokens` maps to a `sub`, refuses any other with `code`, as the real one would. */
function guardOf(tokens: Record<string, string>, code: AuthError['code'] = 'TOKEN_INVALID'): AuthGuard {
  return {
    async authenticate(token) {
      const sub = tokens[token as string];
      if (sub) return claimsOf(sub);
      throw new AuthError(token ? code : 'TOKEN_MISSING');
    },
  };
}

type Ctx = { headers: Record<string, string | string[]>; serviceGuard?: AuthGuard };
const getHeaders = (ctx: Ctx) => ctx.headers;

/** An app with an internal procedure: the user's token `user`, service tokens per the service guard. */
function callerOf(ctx: Ctx, callers: readonly string[] = ['notes']) {
  const t = initTRPC.context<Ctx>().create();
  const authed = t.procedure.concat(createAuthProcedure({ guard: guardOf({ user: 'alice' }), getHeaders }));
  const internal = authed.concat(
    createInternalProcedure({ guard: (ctx: Ctx) => ctx.serviceGuard, callers, getHeaders }),
  );
  const router = t.router({
    record: internal.mutation(({ ctx }) => {
      expectTypeOf(ctx.caller).toEqualTypeOf<string>();
      return { for: ctx.user.sub, by: ctx.caller };
    }),
  });
  return t.createCallerFactory(router)(ctx);
}

const user = { authorization: 'Bearer user' };
const service = (value: string) => ({ [SERVICE_TOKEN_HEADER]: value });
const notesGuard = guardOf({ 'svc-notes': 'notes', 'svc-billing': 'billing' });

async function refusalOf(call: Promise<unknown>): Promise<TRPCError> {
  const error = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('createInternalProcedure', () => {
  it('admits a listed service on behalf of the user, with ctx.caller', async () => {
    const headers = { ...user, ...service('Bearer svc-notes') };
    expect(await callerOf({ headers, serviceGuard: notesGuard }).record()).toEqual({
      for: 'alice',
      by: 'notes',
    });
  });

  it('takes a static guard and callers too', async () => {
    const t = initTRPC.context<Ctx>().create();
    const internal = t.procedure.concat(
      createInternalProcedure({ guard: notesGuard, callers: ['billing'], getHeaders }),
    );
    const router = t.router({ who: internal.query(({ ctx }) => ctx.caller) });
    const headers = service('Bearer svc-billing');
    expect(await t.createCallerFactory(router)({ headers }).who()).toBe('billing');
  });

  it.each([
    ['no service guard', { ...user, ...service('Bearer svc-notes') }, undefined, /takes no internal calls/],
    ['no service credential', user, notesGuard, /only another service may call it \(x-service-authorization/],
    ['another scheme', { ...user, ...service('Basic abc') }, notesGuard, /^Service credential refused: /],
    ['a refused service token', { ...user, ...service('Bearer user') }, notesGuard, /\(TOKEN_INVALID\)$/],
    [
      'a caller not listed',
      { ...user, ...service('Bearer svc-billing') },
      notesGuard,
      /"billing" may not call/,
    ],
  ])('refuses %s: FORBIDDEN, with no auth reason', async (_, headers, serviceGuard, message) => {
    const error = await refusalOf(callerOf({ headers, serviceGuard }).record());
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(message);
    // A caller must not read the refusal as its user's own token being refused.
    expect(authReasonOf(error)).toBeUndefined();
  });

  it('refuses a repeated service header', async () => {
    const headers = { ...user, [SERVICE_TOKEN_HEADER]: ['Bearer svc-notes', 'Bearer svc-notes'] };
    const error = await refusalOf(callerOf({ headers, serviceGuard: notesGuard }).record());
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('Service credential refused: Repeated service credential');
  });

  it('answers SERVICE_UNAVAILABLE, REVOCATION_UNAVAILABLE when the service token cannot be checked', async () => {
    const headers = { ...user, ...service('Bearer svc-notes') };
    const serviceGuard = guardOf({}, 'REVOCATION_UNAVAILABLE');
    const error = await refusalOf(callerOf({ headers, serviceGuard }).record());
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(authReasonOf(error)).toBe('REVOCATION_UNAVAILABLE');
  });

  it('runs after the auth procedure: a user refused is refused as such, before the service is looked at', async () => {
    const headers = service('Bearer svc-notes');
    const error = await refusalOf(callerOf({ headers, serviceGuard: notesGuard }).record());
    expect(error.code).toBe('UNAUTHORIZED');
    expect(authReasonOf(error)).toBe('TOKEN_MISSING');
  });
});
