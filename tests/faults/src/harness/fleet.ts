import { type PrivateRedis, startPrivateRedis } from '@revoke/auth/testing';
import { createDb, eq } from '@revoke/db';
import { revocations } from '@revoke/db/auth';
import { createFreshDatabase } from '@revoke/db/testing';
import { freePorts } from '@revoke/testkit/ports';
import { ServiceProcess } from '@revoke/testkit/processes';
import { stackEnv, uniquePrefix } from '@revoke/testkit/stack-env';
import type { Target } from './client.ts';

export type ServiceName = 'auth' | 'notes' | 'activity';
export const SERVICE_NAMES: readonly ServiceName[] = ['auth', 'notes', 'activity'];

/** The authenticated query each service answers: what makes it verify a token. */
const QUERY: Record<ServiceName, string> = {
  auth: 'auth.me',
  notes: 'notes.list',
  activity: 'activity.list',
};

/** auth, notes and activity as processes on a private Redis (and, optionally, a private Postgres for auth). */
export interface Fleet {
  readonly redis: PrivateRedis;
  /** The revocation key prefix (its channel is `<prefix>events`). */
  readonly prefix: string;
  /** S, as every service is configured. */
  readonly staleAfterMs: number;
  /** The environment every service runs with (the auth app may have another DATABASE_URL). */
  readonly env: Readonly<Record<string, string>>;
  readonly services: Record<ServiceName, ServiceProcess>;
  readonly targets: readonly Target[];
  readonly authUrl: string;
  /** Whether the auth app's Postgres holds a revocation row for this `jti` (the logout committed). */
  committed(jti: string): Promise<boolean>;
  /** SIGKILL and start again (a crash and a restart). */
  restart(name: ServiceName): Promise<void>;
  /** Waits until every process answers `/readyz`. */
  waitReady(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FleetOptions {
  /** The auth app's database (e.g. a private Postgres); default a fresh database on the shared server. */
  authDatabaseUrl?: string;
  /** S, every service's `REVOCATION_STALE_AFTER_MS` (default {@link STALE_AFTER_MS}). */
  staleAfterMs?: number;
  /** More settings for every service (e.g. `ACCESS_TOKEN_TTL_SEC`). */
  env?: Record<string, string>;
  /** Names the database and key prefix, to tell runs apart (default `faults`). */
  label?: string;
}

/** The staleness bound every service runs with by default: the default S of docs/architecture.md, "Revocation". */
export const STALE_AFTER_MS = 3000;
/** A start on a 2-core machine busy with a workload and other test runs can take well over 10 s. */
const START_TIMEOUT_MS = 120_000;

/** Starts a private redis-server and the three services on it, with login limits raised for the workload. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const label = options.label ?? 'faults';
  const staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
  const redis = await startPrivateRedis();
  const shared = await createFreshDatabase({ prefix: label });
  const authDatabaseUrl = options.authDatabaseUrl ?? shared.url;
  const authDb = await createDb({ service: 'auth', url: authDatabaseUrl, migrate: false, maxConnections: 2 });
  const [authPort, notesPort, activityPort] = (await freePorts(3)) as [number, number, number];
  const prefix = uniquePrefix(label);
  const env: Record<string, string> = {
    ...stackEnv({
      databaseUrl: shared.url,
      redisUrl: redis.url,
      prefix,
      ports: { auth: authPort, notes: notesPort, activity: activityPort },
    }),
    REVOCATION_STALE_AFTER_MS: String(staleAfterMs),
    // Every login comes from 127.0.0.1: the per-IP limit would otherwise stop a workload after 100.
    LOGIN_MAX_PER_IP: '1000000',
    LOGIN_MAX_FAILURES: '10000',
    // The load registers, logs in and out hundreds of users from one address: not what is under test.
    REGISTER_MAX_PER_IP: '1000000',
    REVOKE_MAX_PER_USER: '1000000',
    REFRESH_MAX_PER_SESSION: '1000000',
    LOG_LEVEL: 'error',
    ...options.env,
  };
  const urls: Record<ServiceName, string> = {
    auth: env.AUTH_URL!,
    notes: env.NOTES_URL!,
    activity: env.ACTIVITY_URL!,
  };
  const services = {
    auth: new ServiceProcess({
      name: 'auth',
      url: urls.auth,
      env: { ...env, DATABASE_URL: authDatabaseUrl },
    }),
    notes: new ServiceProcess({ name: 'notes', url: urls.notes, env }),
    activity: new ServiceProcess({ name: 'activity', url: urls.activity, env }),
  };
  const all = () => SERVICE_NAMES.map((name) => services[name]);
  const fleet: Fleet = {
    redis,
    prefix,
    staleAfterMs,
    env,
    services,
    targets: SERVICE_NAMES.map((name) => ({ name, url: urls[name], path: QUERY[name] })),
    authUrl: urls.auth,
    async committed(jti) {
      const rows = await authDb.db
        .select({ id: revocations.id })
        .from(revocations)
        .where(eq(revocations.subject, jti));
      return rows.length > 0;
    },
    async restart(name) {
      await services[name].kill();
      await services[name].start(START_TIMEOUT_MS);
    },
    async waitReady(timeoutMs = 60_000) {
      await Promise.all(all().map((service) => service.waitReady(timeoutMs)));
    },
    async close() {
      await Promise.all(all().map((service) => service.stop()));
      await authDb.close();
      await shared.drop();
      await redis.stop();
    },
  };
  try {
    // The auth app seeds Redis (its epoch) and runs the migrations; the others wait for both.
    await services.auth.start(START_TIMEOUT_MS);
    await Promise.all([services.notes.start(START_TIMEOUT_MS), services.activity.start(START_TIMEOUT_MS)]);
  } catch (error) {
    await fleet.close();
    throw error;
  }
  return fleet;
}
