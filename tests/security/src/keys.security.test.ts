import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from '@revoke/testkit/processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIn, signUp } from './harness/accounts.ts';
import { show } from './harness/expect-refused.ts';
import { type Answer, bearer, send } from './harness/http.ts';
import { type Stack, startStack } from './harness/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const run = promisify(execFile);
const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).kid;

/** The three services' read procedures. */
const reads = () =>
  [
    ['auth.me', `${stack.auth.url}/trpc/auth.me`],
    ['notes.list', `${stack.notes.url}/trpc/notes.list`],
    ['activity.list', `${stack.activity.url}/trpc/activity.list`],
  ] as const;

describe('emergency key withdrawal (admin withdraw-key)', () => {
  it('every service refuses the withdrawn key’s tokens within S, though their cached JWKS still holds it', async () => {
    const victim = await signUp(stack.auth.url, 'keys');
    // Every service has verified a token of this key: the key is in each one's JWKS cache (10 min).
    for (const [name, url] of reads()) {
      const answer = await send(url, { headers: bearer(victim.accessToken) });
      expect(answer.status, show(name, answer)).toBe(200);
    }
    const leaked = kidOf(victim.accessToken);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/admin/cli.ts', 'withdraw-key', leaked],
      { cwd: `${ROOT}apps/auth`, env: { ...process.env, ...stack.env, LOG_LEVEL: 'silent' } },
    );
    expect(stdout).toContain(`withdrew key ${leaked}`);

    const started = Date.now();
    for (const [name, url] of reads()) {
      let last: Answer | undefined;
      await expect
        .poll(
          async () => {
            last = await send(url, { headers: bearer(victim.accessToken) });
            return last.body?.error?.data?.reason === 'TOKEN_REVOKED';
          },
          { timeout: 3000, interval: 10 },
        )
        .toBe(true)
        .catch(() => {
          throw new Error(`${name} still answers ${last && show(name, last)}`);
        });
    }
    expect(Date.now() - started).toBeLessThan(3000);
    const jwks = await send(`${stack.auth.url}/.well-known/jwks.json`);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).not.toContain(leaked);
  }, 60_000);

  it('sign-ins go on with the new key everywhere (the auth app reloads keys; services fetch the new kid)', async () => {
    const account = await signUp(stack.auth.url, 'after');
    // The running auth app picks the new key up within its 15 s reload; services fetch the new kid
    // after their JWKS refetch cooldown (30 s).
    let device = await logIn(stack.auth.url, account);
    for (const [name, url] of reads()) {
      await expect
        .poll(
          async () => {
            if ((await send(url, { headers: bearer(device.accessToken) })).status === 200) return true;
            device = await logIn(stack.auth.url, account);
            return false;
          },
          { timeout: 60_000, interval: 10 },
        )
        .toBe(true)
        .catch(() => {
          throw new Error(`${name} does not accept tokens of the new key`);
        });
    }
  }, 120_000);
});
