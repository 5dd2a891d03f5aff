import { describe, expect, it } from 'vitest';
import type { AccessClaims } from '../claims.ts';
import { AuthError } from '../errors.ts';
import type { AuthenticateOptions, AuthGuard } from '../guard.ts';
import { decideRequest } from './decide.ts';

const claimsOf = (sub: string): AccessClaims =>
  ({ sub, sid: 's-1', jti: `j-${sub}`, iat: 1, exp: 2, iss: 'i', aud: 'a' }) as AccessClaims;

/** Accepts `good` (alice) and `other` (mallory), refuses anything else as the real guard would. */
function fakeGuard(seen: AuthenticateOptions[] = []): AuthGuard {
  return {
    async authenticate(token, options) {
      seen.push(options ?? {});
      if (token === 'good') return claimsOf('alice');
      if (token === 'other') return claimsOf('mallory');
      if (token === 'down') throw new AuthError('REVOCATION_UNAVAILABLE');
      throw new AuthError(token ? 'TOKEN_INVALID' : 'TOKEN_MISSING');
    },
  };
}

const guard = fakeGuard();

describe('decideRequest', () => {
  it('accepts a Bearer token, with where it came from', async () => {
    const decision = await decideRequest(
      { method: 'GET', headers: { authorization: 'Bearer good' } },
      { guard },
    );
    expect(decision).toEqual({ ok: true, claims: claimsOf('alice'), token: 'good', source: 'header' });
  });

  it('reads fetch Headers as well as Node headers, and the cookie name it is given', async () => {
    const headers = new Headers({ cookie: '__Host-access_token=good' });
    const decision = await decideRequest(
      { method: 'GET', headers },
      { guard, cookieName: '__Host-access_token' },
    );
    expect(decision).toMatchObject({ ok: true, source: 'cookie' });
    const other = await decideRequest({ method: 'GET', headers }, { guard });
    expect(other).toMatchObject({ ok: false, status: 401, body: { error: { code: 'TOKEN_MISSING' } } });
  });

  it('keeps the one value of a repeated cookie that is a credential of ours, and refuses two', async () => {
    const planted = await decideRequest(
      { method: 'GET', headers: { cookie: 'access_token=planted; access_token=good' } },
      { guard },
    );
    expect(planted).toMatchObject({ ok: true, token: 'good', claims: { sub: 'alice' } });
    const ambiguous = await decideRequest(
      { method: 'GET', headers: { cookie: 'access_token=other; access_token=good' } },
      { guard },
    );
    expect(ambiguous).toMatchObject({ ok: false, status: 401, body: { error: { code: 'TOKEN_INVALID' } } });
  });

  it('needs the CSRF header for any unsafe method by cookie (a repeated one too), whatever the case of the method', async () => {
    for (const method of ['POST', 'put', 'DELETE', 'PATCH']) {
      for (const cookie of ['access_token=good', 'access_token=planted; access_token=good']) {
        const refused = await decideRequest({ method, headers: { cookie } }, { guard });
        expect(refused).toMatchObject({ ok: false, status: 403, body: { error: { code: 'CSRF_REQUIRED' } } });
        const allowed = await decideRequest({ method, headers: { cookie, 'x-revoke-csrf': '1' } }, { guard });
        expect(allowed.ok).toBe(true);
      }
    }
    for (const method of ['GET', 'head', 'OPTIONS']) {
      expect((await decideRequest({ method, headers: { cookie: 'access_token=good' } }, { guard })).ok).toBe(
        true,
      );
    }
  });

  it('answers 503 with Retry-After when revocation state is unavailable, and passes failOpen on', async () => {
    const seen: AuthenticateOptions[] = [];
    const down = await decideRequest(
      { method: 'GET', headers: { authorization: 'Bearer down' } },
      { guard: fakeGuard(seen) },
    );
    expect(down).toMatchObject({
      ok: false,
      status: 503,
      headers: { 'retry-after': '1', 'cache-control': 'no-store' },
      body: { error: { code: 'REVOCATION_UNAVAILABLE' } },
    });
    await decideRequest(
      { method: 'GET', headers: { authorization: 'Bearer good' } },
      { guard: fakeGuard(seen), failOpen: true },
    );
    expect(seen).toEqual([{ failOpen: false }, { failOpen: true }]);
  });

  it('turns anything but an AuthError into TOKEN_INVALID, with no detail in the body', async () => {
    const broken: AuthGuard = {
      authenticate: async () => {
        throw new Error('secret detail at /srv/x.ts:1');
      },
    };
    const decision = await decideRequest(
      { method: 'GET', headers: { authorization: 'Bearer x' } },
      { guard: broken },
    );
    expect(decision).toMatchObject({ ok: false, status: 401 });
    expect(JSON.stringify(!decision.ok && decision.body)).not.toContain('secret');
  });
});
