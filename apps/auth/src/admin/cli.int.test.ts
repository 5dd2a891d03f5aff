import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, signUpAndLogIn, startTestAuthApp, type TestAuthApp } from '../testing/test-app.ts';

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
    await eventually(
      async () =>
        (await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).body?.error?.data?.reason ===
        'TOKEN_REVOKED',
      3000,
    );
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
    await eventually(
      async () => (await app.query('auth.me', { authorization: `Bearer ${accessToken}` })).status === 401,
      3000,
    );
  }, 60_000);
});
