import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFreshDatabase } from '@revoke/db/testing';
import { Redis } from 'ioredis';
import { freePorts, ManagedProcess, ROOT } from './processes.ts';

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
/** The one secret notes and the auth app share (`SERVICE_CLIENT_SECRET`, `SERVICE_CLIENTS=notes:<it>`). */
function serviceSecretEnv(secret: string): Record<string, string> {
  return { SERVICE_CLIENTS: `notes:${secret}`, SERVICE_CLIENT_SECRET: secret };
}

export async function startWebStack(options: WebStackOptions = {}): Promise<WebStack> {
  const database = await createFreshDatabase({ prefix: 'web_e2e' });
  const [authPort, notesPort, activityPort, webPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REVOCATION_PREFIX: `web-e2e:${randomBytes(6).toString('hex')}:`,
    AUTH_PORT: String(authPort),
    NOTES_PORT: String(notesPort),
    ACTIVITY_PORT: String(activityPort),
    WEB_PORT: String(webPort),
    AUTH_URL: url(authPort),
    NOTES_URL: url(notesPort),
    ACTIVITY_URL: url(activityPort),
    WEB_ORIGIN: url(webPort),
    LOG_LEVEL: 'warn',
    // Notes' credential for activity's internal procedures, fresh for this stack.
    ...serviceSecretEnv(randomBytes(32).toString('base64url')),
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
    const childEnv = { ...process.env, ...env };
    const services = ['auth', 'notes', 'activity'].map((name) => {
      const child = new ManagedProcess(name, process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: join(ROOT, 'apps', name),
        env: childEnv,
      });
      processes.push(child);
      return child;
    });
    // As `pnpm start` runs it (build, then serve), into its own folder.
    const web = new ManagedProcess('web', process.execPath, ['--import', 'tsx', 'serve.ts'], {
      cwd: join(ROOT, 'apps/web'),
      env: { ...childEnv, ...options.buildEnv, WEB_OUT_DIR: outDir },
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
