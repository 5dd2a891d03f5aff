import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { type PrivateRedis, startPrivateRedis } from '@revoke/auth/testing';
import { createFreshDatabase, type FreshDatabase } from '@revoke/db/testing';
import { freePorts, ServiceProcess } from '@revoke/e2e/service-process';
import { stackEnv } from '@revoke/e2e/stack-env';
import type { Target } from '../harness/client.ts';
import { SERVICE_NAMES, type ServiceName } from '../harness/fleet.ts';

export { SERVICE_NAMES, type ServiceName };

const run = promisify(execFile);
/** A start on a 2-core machine busy with the load and other test runs can take well over 10 s. */
const START_TIMEOUT_MS = 120_000;

/** The authenticated query each service answers for a token: what the soak and the final sweep call. */
const QUERY: Record<ServiceName, string> = {
  auth: 'auth.me',
  notes: 'notes.list',
  activity: 'activity.list',
};

/**
 * auth, notes and activity as three processes on a fresh database of the shared Postgres and a
 * private `redis-server` (never the shared one: the soak restarts it empty and kills its clients).
 */
export interface SoakStack {
  redis: PrivateRedis;
  services: Record<ServiceName, ServiceProcess>;
  /** One verification target per service. */
  targets: Record<ServiceName, Target>;
  env: Record<string, string>;
  /** Sends one command to the private Redis (through `redis-cli`) and returns its raw reply. */
  redisCommand(...args: string[]): Promise<string>;
  /** SIGKILL, then start again and wait for `/readyz`. */
  restart(name: ServiceName): Promise<void>;
  close(): Promise<void>;
}

export interface SoakStackOptions {
  /** S, the services' `REVOCATION_STALE_AFTER_MS`. */
  staleAfterMs: number;
  /** Access-token lifetime: longer than the run, so that no token expires during it. */
  accessTokenTtlSec: number;
}

export async function startSoakStack(options: SoakStackOptions): Promise<SoakStack> {
  const redis = await startPrivateRedis();
  let database: FreshDatabase | undefined;
  const services = {} as Record<ServiceName, ServiceProcess>;
  const close = async () => {
    await Promise.all(Object.values(services).map((service) => service.stop()));
    await database?.drop();
    await redis.stop();
  };
  try {
    database = await createFreshDatabase({ prefix: 'soak' });
    const [authPort, notesPort, activityPort] = (await freePorts(3)) as [number, number, number];
    const env: Record<string, string> = {
      ...stackEnv({
        databaseUrl: database.url,
        redisUrl: redis.url,
        prefix: `soak:${randomBytes(6).toString('hex')}:`,
        ports: { auth: authPort, notes: notesPort, activity: activityPort },
      }),
      REVOCATION_STALE_AFTER_MS: String(options.staleAfterMs),
      ACCESS_TOKEN_TTL_SEC: String(options.accessTokenTtlSec),
      // Every login comes from 127.0.0.1: the per-IP limit would otherwise stop the load after 100.
      LOGIN_MAX_PER_IP: '1000000',
      LOGIN_MAX_FAILURES: '10000',
      LOG_LEVEL: 'error',
    };
    const url: Record<ServiceName, string> = {
      auth: env.AUTH_URL!,
      notes: env.NOTES_URL!,
      activity: env.ACTIVITY_URL!,
    };
    for (const name of SERVICE_NAMES) services[name] = new ServiceProcess({ name, url: url[name], env });
    const targets = Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, { name, url: url[name], path: QUERY[name] }]),
    ) as Record<ServiceName, Target>;
    // The auth app runs the migrations and seeds Redis (its epoch); the others wait for both.
    await services.auth.start(START_TIMEOUT_MS);
    await Promise.all([services.notes.start(START_TIMEOUT_MS), services.activity.start(START_TIMEOUT_MS)]);
    return {
      redis,
      services,
      targets,
      env,
      async redisCommand(...args) {
        const { stdout } = await run('redis-cli', ['-p', String(redis.port), ...args], { timeout: 15_000 });
        return stdout.trim();
      },
      async restart(name) {
        await services[name].kill();
        await services[name].start(START_TIMEOUT_MS);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
