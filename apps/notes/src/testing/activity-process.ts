import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createTestDb, type TestDb } from '@revoke/db/testing';

/** The real activity service, run as its own process the way `pnpm start` runs it. */
export interface ActivityProcess {
  url: string;
  /** Its throwaway database, to count what it wrote. */
  db: TestDb<'activity'>;
  /** Everything it logged so far (pino JSON lines), for failure messages. */
  output(): string;
  /** SIGTERM (graceful shutdown), then drops its database. */
  stop(): Promise<void>;
}

/** Options of {@link startActivityProcess}. */
export interface ActivityProcessOptions {
  /** `AUTH_URL`: where it fetches the JWKS, and the tokens' `iss`. */
  authUrl: string;
  redisUrl: string;
  prefix: string;
  env?: Record<string, string>;
}

/**
 * Where `@revoke/activity` lives. Notes never imports activity's code (only its router type), so
 * tests start it as a separate process, found through the workspace dependency.
 */
function activityPackageDir(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@revoke/activity/router'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** Starts activity on a free port with its own database; resolves once it logged that it is ready. */
export async function startActivityProcess(options: ActivityProcessOptions): Promise<ActivityProcess> {
  const db = await createTestDb('activity');
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: activityPackageDir(),
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: options.redisUrl,
      REVOCATION_PREFIX: options.prefix,
      AUTH_URL: options.authUrl,
      TOKEN_AUDIENCE: 'revoke',
      ACTIVITY_PORT: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A crashed test run must not leave the process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = once(child, 'exit');

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`activity did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"activity: ready"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`activity exited with ${code} before it was ready:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await db.close();
    throw error;
  });

  return {
    url,
    db,
    output: () => output,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await db.close();
    },
  };
}
