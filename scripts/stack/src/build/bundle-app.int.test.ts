import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../ports.ts';
import { killProcessesWithEnv, waitFor200 } from '../testing/processes.ts';
import { bundleApp } from './bundle-app.ts';

const root = join(import.meta.dirname, '../../../..');
const prefix = `test:bundle:${randomBytes(4).toString('hex')}:`;
const temp = await mkdtemp(join(tmpdir(), 'revoke-bundle-'));
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill('SIGKILL');
  killProcessesWithEnv('REVOCATION_PREFIX', prefix);
  await rm(temp, { recursive: true, force: true });
});

describe('bundleApp', () => {
  it('bundles the auth app into plain JavaScript that `node` runs: PGlite migrations, argon2, /readyz', async () => {
    const outDir = join(temp, 'dist');
    const result = await bundleApp({ root, appDir: join(root, 'apps/auth'), outDir, linkExternals: true });
    expect(Object.keys(result.externals)).toEqual(['@electric-sql/pglite', '@node-rs/argon2']);
    expect(JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8')).dependencies).toEqual(
      result.externals,
    );
    expect(existsSync(join(outDir, 'migrations/auth'))).toBe(true);
    // No TypeScript left, and no workspace source path the bundle would need at run time.
    expect(readFileSync(result.outfile, 'utf8')).not.toMatch(/from ['"]@revoke\//);

    const port = await freePort();
    child = spawn(process.execPath, [result.outfile], {
      cwd: temp,
      env: {
        ...process.env,
        DATABASE_URL: '',
        AUTH_DATA_DIR: join(temp, 'data'),
        AUTH_PORT: String(port),
        AUTH_URL: `http://127.0.0.1:${port}`,
        REVOCATION_PREFIX: prefix,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
    await waitFor200(`http://127.0.0.1:${port}/readyz`, { timeoutMs: 60_000, gaveUp: exited }).catch(
      (error) => {
        throw new Error(`${error.message}\n${stderr}`);
      },
    );

    // A password hash: the external native addon loads from dist/node_modules.
    const response = await fetch(`http://127.0.0.1:${port}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `bundle-${randomBytes(4).toString('hex')}@example.com`,
        password: 'password123',
      }),
    });
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
