import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFreshDatabase } from '@revoke/db/testing';
import { freePorts, loopbackUrl } from '@revoke/testkit/ports';
import { ManagedProcess, ROOT, startApp } from '@revoke/testkit/processes';
import { SHARED_REDIS_URL, stackEnv, uniquePrefix } from '@revoke/testkit/stack-env';
import { Redis } from 'ioredis';

/** The whole product on free ports: auth, notes and activity as processes, and the built web client. */
export interface WebStack {
  webUrl: string;
  authUrl: string;
  notesUrl: string;
  activityUrl: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface WebStackOptions {
  /** Variables for the services (e.g. a short `ACCESS_TOKEN_TTL_SEC`). */
  serviceEnv?: Record<string, string>;
  /** Variables for the client's build (e.g. `VITE_REFRESH_AT`). */
  buildEnv?: Record<string, string>;
}

/**
 * Starts a fresh stack: a new Postgres database (a schema per service), a unique Redis prefix, the
 * three services exactly as `pnpm start` runs them (`src/index.ts` through tsx), and the web client's
 * own `pnpm start` (`serve.ts`: build for these ports, into its own folder, then `vite preview`). The services allow the client's origin (WEB_ORIGIN) by CORS.
 */
export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const database = await createFreshDatabase({ prefix: 'web_e2e' });
  // Four ports at once, so that the web client's cannot be one of the services'.
  const [auth, notes, activity, webPort] = (await freePorts(4)) as [number, number, number, number];
  const env: Record<string, string> = {
    ...stackEnv({
      databaseUrl: database.url,
      redisUrl: SHARED_REDIS_URL,
      prefix: uniquePrefix('web-e2e'),
      ports: { auth, notes, activity },
    }),
    WEB_PORT: String(webPort),
    WEB_ORIGIN: loopbackUrl(webPort),
    LOG_LEVEL: 'warn',
    ...options.serviceEnv,
  };
  const outDir = mkdtempSync(join(tmpdir(), 'web-e2e-dist-'));
  const processes: ManagedProcess[] = [];
  const close = async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await database.drop();
    await deleteKeys(env.REDIS_URL!, env.REVOCATION_PREFIX!);
    rmSync(outDir, { recursive: true, force: true });
  };
  try {
    const services = ['auth', 'notes', 'activity'].map((name) => startApp(name, env));
    processes.push(...services);
    // As `pnpm start` runs it (build, then serve), into its own folder.
    const web = new ManagedProcess('web', process.execPath, ['--import', 'tsx', 'serve.ts'], {
      cwd: join(ROOT, 'apps/web'),
      env: { ...process.env, ...env, ...options.buildEnv, WEB_OUT_DIR: outDir },
    });
    processes.push(web);
    await Promise.all([
      services[0]!.waitFor(`${env.AUTH_URL}/readyz`),
      services[1]!.waitFor(`${env.NOTES_URL}/readyz`),
      services[2]!.waitFor(`${env.ACTIVITY_URL}/readyz`),
      web.waitFor(`${env.WEB_ORIGIN}/`),
    ]);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    webUrl: env.WEB_ORIGIN!,
    authUrl: env.AUTH_URL!,
    notesUrl: env.NOTES_URL!,
    activityUrl: env.ACTIVITY_URL!,
    env,
    close,
  };
}

/** Deletes this run's Redis keys (SCAN, never KEYS: the Redis is shared). */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
