import { eq } from '@revoke/db';
import { users } from '@revoke/db/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHANGE_PASSWORD_BODIES,
  CREDENTIAL_BODIES,
  fullWidth,
  json,
  LOGOUT_BODIES,
  LOOK_ALIKES,
  OAUTH_REVOKE_BODIES,
  REFRESH_BODIES,
} from './cases/hostile-bodies.ts';
import type { Account, Device } from './harness/accounts.ts';
import { answerBeforeBody } from './harness/body-first-answer.ts';
import { expectRefused, LEAK, show } from './harness/expect-refused.ts';
import { expectAccepted, protectedCalls } from './harness/fleet-calls.ts';
import { bearer, mutate, send } from './harness/http.ts';
import { type Stack, startStackWithUser } from './harness/stack.ts';
import { snapshot } from './harness/state.ts';

let stack: Stack;
let victim: Account & Device;
beforeAll(async () => {
  ({ stack, user: victim } = await startStackWithUser('alice'));
});
afterAll(() => stack?.close());

async function passwordHashOf(id: string): Promise<string | undefined> {
  const [row] = await stack.db.auth.select({ hash: users.passwordHash }).from(users).where(eq(users.id, id));
  return row?.hash;
}

const lookAlike = (change: (local: string, domain: string) => string) => {
  const [local = '', domain = ''] = victim.email.split('@');
  return change(local, domain);
};

describe.each(['auth.login', 'auth.register'])('hostile %s bodies: a 4xx, nothing written', (path) => {
  it.each(CREDENTIAL_BODIES.map(([name, body, status, headers]) => [name, status, body, headers] as const))(
    '%s → %s',
    async (_name, status, body, headers) => {
      const before = await snapshot(stack);
      const answer = await send(`${stack.auth.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body(victim),
      });
      expectRefused(answer, path, { status });
      expect(await snapshot(stack)).toEqual(before);
    },
  );

  it.each(LOOK_ALIKES)(
    "the victim's e-mail with %s, the victim's password → 400, no account, no session",
    async (_name, change) => {
      const email = lookAlike(change);
      expect(email).not.toBe(victim.email);
      const before = await snapshot(stack);
      const answer = await mutate(stack.auth.url, path, { email, password: victim.password });
      expectRefused(answer, `${path} ${JSON.stringify(email)}`, { status: 400 });
      expect(await snapshot(stack)).toEqual(before);
    },
  );
});

describe('full-width and case look-alikes fold to the one account (NFKC, lower case), never a second one', () => {
  it.each([
    ['full-width', () => fullWidth(victim.email)],
    ['upper case', () => victim.email.toUpperCase()],
    ['full-width upper case with surrounding spaces', () => `  ${fullWidth(victim.email.toUpperCase())}  `],
  ])('register with the %s e-mail → 409, no new account', async (_name, email) => {
    const before = await snapshot(stack);
    expectRefused(
      await mutate(stack.auth.url, 'auth.register', { email: email(), password: 'another password' }),
      'register',
      { status: 409 },
    );
    expect(await snapshot(stack)).toEqual(before);
  });

  it('login with the full-width e-mail and a wrong password → 401, nothing written', async () => {
    const before = await snapshot(stack);
    const answer = await mutate(stack.auth.url, 'auth.login', {
      email: fullWidth(victim.email),
      password: 'wrong password',
    });
    expectRefused(answer, 'login', { status: 401 });
    expect(await snapshot(stack)).toEqual(before);
  });

  it("login with the full-width e-mail and the victim's password is the victim's own account", async () => {
    const answer = await mutate(stack.auth.url, 'auth.login', {
      email: fullWidth(victim.email),
      password: victim.password,
    });
    expect(answer.status, show('login', answer)).toBe(200);
    expect(answer.body.result.data.user).toEqual({ id: victim.id, email: victim.email });
  });
});

describe('hostile auth.refresh bodies: refused, nothing rotated or revoked', () => {
  it.each(REFRESH_BODIES.map(([name, body, status, headers]) => [name, status, body, headers] as const))(
    '%s → %s',
    async (_name, status, body, headers) => {
      const before = await snapshot(stack);
      const answer = await send(`${stack.auth.url}/trpc/auth.refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body(victim),
      });
      expectRefused(answer, 'auth.refresh', { status });
      if (answer.status === 401)
        expect(answer.body?.error?.data?.reason).toMatch(/^TOKEN_(INVALID|MISSING)$/);
      expect(await snapshot(stack)).toEqual(before);
    },
  );
});

describe('hostile auth.logout bodies without a valid credential: refused, nothing revoked', () => {
  it.each(LOGOUT_BODIES.map(([name, body, status]) => [name, status, body] as const))(
    '%s → %s',
    async (_name, status, body) => {
      const before = await snapshot(stack);
      const answer = await send(`${stack.auth.url}/trpc/auth.logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(victim),
      });
      expectRefused(answer, 'auth.logout', { status });
      if (answer.status === 401) expect(answer.body.error.data.reason).toBe('TOKEN_MISSING');
      expect(await snapshot(stack)).toEqual(before);
    },
  );
});

describe("hostile auth.changePassword bodies with the victim's valid token: a 4xx, nothing changed", () => {
  it.each(CHANGE_PASSWORD_BODIES.map(([name, body, status]) => [name, status, body] as const))(
    '%s → %s',
    async (_name, status, body) => {
      const before = await snapshot(stack);
      const hashBefore = await passwordHashOf(victim.id);
      const answer = await send(`${stack.auth.url}/trpc/auth.changePassword`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(victim.accessToken) },
        body: body(victim),
      });
      expectRefused(answer, 'auth.changePassword', { status });
      expect(await snapshot(stack)).toEqual(before);
      expect(await passwordHashOf(victim.id)).toBe(hashBefore);
      await expectAccepted(stack, victim.accessToken, "the victim's token");
    },
  );
});

describe('hostile /oauth/revoke bodies: nothing revoked', () => {
  it.each(OAUTH_REVOKE_BODIES.map(([name, body, status, headers]) => [name, status, body, headers] as const))(
    '%s → %s',
    async (_name, status, body, headers) => {
      const before = await snapshot(stack);
      const answer = await send(`${stack.auth.url}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: body(victim),
      });
      if (status === 200) {
        expect(answer.status, show('/oauth/revoke', answer)).toBe(200);
        expect(answer.text).not.toMatch(LEAK);
      } else {
        expectRefused(answer, '/oauth/revoke', { status });
      }
      expect(await snapshot(stack)).toEqual(before);
      await expectAccepted(stack, victim.accessToken, "the victim's token");
    },
  );
});

describe('forged request headers at login', () => {
  it('Host and X-Forwarded-* do not change the issuer, the audience or the cookie scope', async () => {
    const answer = await send(`${stack.auth.url}/trpc/auth.login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.9',
      },
      body: json({ email: victim.email, password: victim.password }),
    });
    expect(answer.status, show('login', answer)).toBe(200);
    const claims = JSON.parse(
      Buffer.from(answer.body.result.data.accessToken.split('.')[1], 'base64url').toString(),
    );
    expect(claims).toMatchObject({ iss: stack.env.AUTH_URL, aud: 'revoke', sub: victim.id });
    for (const cookie of [answer.headers['set-cookie'] ?? []].flat()) expect(cookie).not.toMatch(/domain=/i);
  });
});

describe('after every hostile body', () => {
  it("the victim's token still works everywhere and a forged one is still refused (no prototype was polluted)", async () => {
    await expectAccepted(stack, victim.accessToken, "the victim's token");
    for (const { label, call } of protectedCalls(stack)) {
      expectRefused(await call(bearer('a.b.c')), label, { status: 401, reason: 'TOKEN_INVALID' });
    }
    const wrong = await mutate(stack.auth.url, 'auth.login', {
      email: victim.email,
      password: 'wrong password',
    });
    expectRefused(wrong, 'login', { status: 401 });
  });
});

describe('every body is bounded before it is read, whatever its content type', () => {
  /** A public procedure, a protected one and an internal one, on each of the three apps. */
  const targets = () =>
    [
      ['auth.login', stack.auth.url],
      ['auth.register', stack.auth.url],
      ['notes.create', stack.notes.url],
      ['activity.record', stack.activity.url],
    ] as const;
  const MULTIPART = 'multipart/form-data; boundary=b';

  it('a 64 MiB multipart POST is answered 413 from its headers alone, before a byte of it is read', async () => {
    for (const [path, url] of targets()) {
      const before = await snapshot(stack);
      const answer = await answerBeforeBody(`${url}/trpc/${path}`, {
        headers: {
          'content-type': MULTIPART,
          'content-length': String(64 * 1024 * 1024),
          ...bearer(victim.accessToken),
        },
        holdBody: true,
      });
      expectRefused(answer, path, { status: 413 });
      expect(await snapshot(stack)).toEqual(before);
    }
  });

  it('a multipart POST of unknown length (chunked) is answered 415 from its headers alone', async () => {
    for (const [path, url] of targets()) {
      const before = await snapshot(stack);
      const answer = await answerBeforeBody(`${url}/trpc/${path}`, {
        headers: { 'content-type': MULTIPART, 'transfer-encoding': 'chunked', ...bearer(victim.accessToken) },
        holdBody: true,
      });
      expectRefused(answer, path, { status: 415 });
      expect(await snapshot(stack)).toEqual(before);
    }
  });

  it('a JSON POST of unknown length that runs past the limit is cut off long before its end', async () => {
    for (const [path, url] of targets()) {
      const answer = await answerBeforeBody(`${url}/trpc/${path}`, {
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      // Answered 413, or the connection closed under the rest of the body (the 413 then never reaches us).
      if (!answer.cutOff) expectRefused(answer, path, { status: 413 });
      // Socket buffers hold a few MiB at most: the server stopped reading long before 64 MiB.
      expect(answer.bytesSent, path).toBeLessThan(16 * 1024 * 1024);
    }
  });

  it('a text/plain body over the limit is answered 413 from its headers alone', async () => {
    for (const [path, url] of targets()) {
      const answer = await answerBeforeBody(`${url}/trpc/${path}`, {
        headers: { 'content-type': 'text/plain', 'content-length': String(1024 * 1024) },
        holdBody: true,
      });
      expectRefused(answer, path, { status: 413 });
    }
  });
});

describe('a batched request calls at most 10 procedures', () => {
  // Fastify already refuses a path parameter over 100 characters (414), which caps batches of long
  // procedure names below 10; the cap of 10 is what bounds batches of short ones.
  it.each([
    ['auth', 'auth.me'],
    ['notes', 'notes.list'],
    ['activity', 'activity.list'],
  ] as const)(
    '%s: a batch of 11 is refused with a 4xx and runs nothing; a batch that fits runs',
    async (service, path) => {
      const url = stack[service].url;
      const batch = (n: number) =>
        send(`${url}/trpc/${Array(n).fill(path).join(',')}?batch=1`, { headers: bearer(victim.accessToken) });
      expectRefused(await batch(11), `${path} ×11`, { status: [400, 414] });
      const fits = Math.min(10, Math.floor(101 / (path.length + 1)));
      const ran = await batch(fits);
      expect(ran.status, show(`${path} ×${fits}`, ran)).toBe(200);
      expect(ran.body).toHaveLength(fits);
    },
  );

  it('a batch of 11 calls of a short name is refused by the cap (400), not run', async () => {
    const refused = await send(`${stack.auth.url}/trpc/${Array(11).fill('auth.me').join(',')}?batch=1`, {
      headers: bearer(victim.accessToken),
    });
    expectRefused(refused, 'auth.me ×11', { status: 400 });
    expect(refused.text).toContain('Batch call exceeds maximum size');
  });
});
