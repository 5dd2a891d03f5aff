import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

let app: TestAuthApp;
beforeAll(async () => {
  app = await startTestAuthApp();
});
afterAll(() => app?.close());

/** Runs the admin CLI against the test app's database and Redis namespace. */
async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    DATABASE_URL: app.db.url,
    REDIS_URL: app.deps.env.REDIS_URL,
    REVOCATION_PREFIX: app.deps.env.REVOCATION_PREFIX,
    LOG_LEVEL: 'silent',
  };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const sidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid;

describe('admin CLI', () => {
  it('revoke-session with the id in upper case ends the session its tokens carry in lower case', async () => {
    const { accessToken, refreshToken } = await signUpAndLogIn(app);
    const sid = sidOf(accessToken);
    const result = await admin('revoke-session', sid.toUpperCase());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`revoked session ${sid}`);
    await expect
      .poll(
        async () =>
          (await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).body?.error?.data?.reason,
        { timeout: 3000, interval: 5 },
      )
      .toBe('TOKEN_REVOKED');
    expect((await app.mutate('auth.refresh', { refreshToken })).status).toBe(401);
  }, 60_000);

  it('refuses a session id that is not a UUID, and an unknown one, changing nothing', async () => {
    const notUuid = await admin('revoke-session', "x' or 1=1 --");
    expect(notUuid.code).toBe(2);
    expect(notUuid.stderr).toContain('is not a session id');
    const unknown = await admin('revoke-session', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no session');
  }, 60_000);

  it('revoke-user finds the account by its e-mail as users type it (case, full-width)', async () => {
    const { accessToken, credentials } = await signUpAndLogIn(app);
    const typed = `  ${credentials.email.toUpperCase().replace('@', '＠')}  `;
    const result = await admin('revoke-user', typed);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`revoked every token of ${credentials.email}`);
    await expect
      .poll(async () => (await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).status, {
        timeout: 3000,
        interval: 5,
      })
      .toBe(401);
  }, 60_000);
});

describe('admin withdraw-key', () => {
  const kidOf = (token: string): string =>
    JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;

  it('revokes every token the key signed, takes it out of the JWKS, and logins go on with a new key', async () => {
    const { accessToken } = await signUpAndLogIn(app);
    const leaked = kidOf(accessToken);
    const result = await admin('withdraw-key', leaked);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`withdrew key ${leaked}`);
    // Refused: as revoked where the key is still known (every cached JWKS), as invalid where it is
    // gone (the app's own key set drops a withdrawn key as soon as its feed hears of it).
    await expect
      .poll(
        async () => {
          const me = await app.query('auth.me', { authorization: `Bearer ${accessToken}` });
          return me.status === 401 && ['TOKEN_REVOKED', 'TOKEN_INVALID'].includes(me.body.error.data.reason);
        },
        { timeout: 3000, interval: 5 },
      )
      .toBe(true);
    expect(app.deps.feed.cache.isKeyWithdrawn(leaked)).toBe(true);
    const jwks = (await (await fetch(`${app.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((key) => key.kid)).not.toContain(leaked);
    const fresh = await signUpAndLogIn(app);
    expect(kidOf(fresh.accessToken)).not.toBe(leaked);
    expect((await app.query('auth.me', { authorization: `Bearer ${fresh.accessToken}` })).status).toBe(200);
  }, 60_000);

  it('refuses a kid it does not hold, naming the keys', async () => {
    const result = await admin('withdraw-key', 'no-such-kid');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no signing key "no-such-kid"');
  }, 60_000);
});

describe('admin client', () => {
  it('create prints a secret once, which then authenticates; list shows it; delete ends it at once', async () => {
    const created = await admin('client', 'create', 'reports', '--can', 'introspect');
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect((await app.deps.clients.authenticate('reports', secret))?.capabilities.has('introspect')).toBe(
      true,
    );
    expect((await admin('client', 'list')).stdout).toMatch(/reports\s+introspect\s+\(database\)/);
    const deleted = await admin('client', 'delete', 'reports');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await app.deps.clients.authenticate('reports', secret)).toBeUndefined();
  }, 60_000);

  it('refuses a capability it does not know, a bad id, and an id taken, changing nothing', async () => {
    const unknown = await admin('client', 'create', 'x-client', '--can', 'everything');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--can takes some of introspect, revoke, service');
    expect((await admin('client', 'create', 'Bad_Id', '--can', 'introspect')).code).toBe(2);
    await app.deps.clients.register('taken', ['revoke']);
    const taken = await admin('client', 'create', 'taken', '--can', 'introspect');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('exists');
  }, 60_000);
});
