import { initTRPC, TRPCError } from '@trpc/server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import type { AuthenticateOptions, AuthGuard } from '../guard.ts';
import { authReasonOf, createAuthProcedure } from './procedure.ts';

const claimsOf = (sub: string): AccessClaims =>
  ({ sub, sid: 's-1', jti: 'j-1', iat: 1, exp: 2, iss: 'i', aud: 'a' }) as AccessClaims;

/** A guard that accepts the token `good` and refuses anything else as the real one would. */
function fakeGuard(seen: AuthenticateOptions[] = []): AuthGuard {
  return {
    async authenticate(token, options) {
      seen.push(options ?? {});
      if (token === 'good') return claimsOf('alice');
      throw new AuthError(token ? 'TOKEN_INVALID' : 'TOKEN_MISSING');
    },
  };
}

describe('createAuthProcedure', () => {
  it('infers the context it reads from getHeaders, concatenates onto a larger one, and types ctx.user', async () => {
    const t = initTRPC.context<{ headers: Headers; tenant: string }>().create();
    const authed = t.procedure.concat(
      createAuthProcedure({ guard: fakeGuard(), getHeaders: (ctx: { headers: Headers }) => ctx.headers }),
    );
    const router = t.router({
      me: authed.query(({ ctx }) => {
        expectTypeOf(ctx.user).toEqualTypeOf<AccessClaims>();
        expectTypeOf(ctx.tenant).toEqualTypeOf<string>();
        return { sub: ctx.user.sub, tenant: ctx.tenant, token: ctx.token };
      }),
    });
    const caller = t.createCallerFactory(router);
    const headers = new Headers({ authorization: 'Bearer good' });
    expect(await caller({ headers, tenant: 'acme' }).me()).toEqual({
      sub: 'alice',
      tenant: 'acme',
      token: 'good',
    });
    const refused = await caller({ headers: new Headers(), tenant: 'acme' })
      .me()
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('UNAUTHORIZED');
    expect(authReasonOf(refused)).toBe('TOKEN_MISSING');
  });

  it('takes the guard from the context, and failOpen per procedure from the meta', async () => {
    const seen: AuthenticateOptions[] = [];
    type Ctx = { guard: AuthGuard; headers: Record<string, string> };
    type Meta = { failOpen?: boolean };
    const t = initTRPC.context<Ctx>().meta<Meta>().create();
    const authed = t.procedure.concat(
      createAuthProcedure<Ctx, Meta>({
        guard: (ctx) => ctx.guard,
        getHeaders: (ctx) => ctx.headers,
        failOpen: ({ meta }) => meta?.failOpen === true,
      }),
    );
    const router = t.router({
      strict: authed.query(({ ctx }) => ctx.user.sub),
      lenient: authed.meta({ failOpen: true }).query(({ ctx }) => ctx.user.sub),
    });
    const caller = t.createCallerFactory(router)({
      guard: fakeGuard(seen),
      headers: { authorization: 'good' },
    });
    expect(await caller.strict()).toBe('alice');
    expect(await caller.lenient()).toBe('alice');
    expect(seen).toEqual([{ failOpen: false }, { failOpen: true }]);
  });
});

describe('createAuthProcedure cookieName', () => {
  it('is read from the context when given as a function, the cookie of another name ignored', async () => {
    type Ctx = { headers: Record<string, string>; cookieName: string };
    const t = initTRPC.context<Ctx>().create();
    const authed = t.procedure.concat(
      createAuthProcedure({
        guard: fakeGuard(),
        getHeaders: (ctx: Ctx) => ctx.headers,
        cookieName: (ctx) => ctx.cookieName,
      }),
    );
    const caller = t.createCallerFactory(t.router({ me: authed.query(({ ctx }) => ctx.user.sub) }));
    const headers = { cookie: 'access_token=bad; __Host-access_token=good' };
    expect(await caller({ headers, cookieName: '__Host-access_token' }).me()).toBe('alice');
    const refused = await caller({ headers, cookieName: 'other' })
      .me()
      .catch((error: unknown) => error);
    expect(authReasonOf(refused)).toBe('TOKEN_MISSING');
  });
});

describe('authReasonOf', () => {
  it('reads the code of an AuthError, or of the AuthError that caused an error', () => {
    expect(authReasonOf(new AuthError('TOKEN_REVOKED'))).toBe('TOKEN_REVOKED');
    const cause = new AuthError('REVOCATION_UNAVAILABLE');
    expect(authReasonOf(new TRPCError({ code: 'SERVICE_UNAVAILABLE', cause }))).toBe(
      'REVOCATION_UNAVAILABLE',
    );
  });

  it('is undefined for anything else', () => {
    expect(authReasonOf(new TRPCError({ code: 'NOT_FOUND' }))).toBeUndefined();
    expect(authReasonOf(new Error('boom', { cause: new Error('deeper') }))).toBeUndefined();
    expect(authReasonOf('TOKEN_REVOKED')).toBeUndefined();
    expect(authReasonOf(undefined)).toBeUndefined();
  });
});
