import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { ManagedProcess } from '@revoke/testkit/processes';

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
  const child = new ManagedProcess('activity', process.execPath, ['--import', 'tsx', 'src/index.ts'], {
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
  });
  // On port 0 only the log knows the URL: the readiness line carries it.
  const ready = await child
    .waitForLine(/"url":"(http:\/\/[^"]+)"[^\n]*"msg":"activity: ready"/, 30_000)
    .catch(async (error: unknown) => {
      await child.kill();
      await db.close();
      throw error;
    });

  return {
    url: ready[1]!,
    db,
    output: () => child.output.join(''),
    async stop() {
      await child.stop();
      await db.close();
    },
  };
}
