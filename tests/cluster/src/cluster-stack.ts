import { type PrivateRedisCluster, startPrivateRedisCluster } from '@revoke/auth/testing';
import { createFreshDatabase, type FreshDatabase } from '@revoke/db/testing';
import { freePort, freePorts, loopbackUrl } from '@revoke/testkit/ports';
import { ServiceProcess } from '@revoke/testkit/processes';
import { stackEnv, uniquePrefix } from '@revoke/testkit/stack-env';

/** auth, notes and activity as processes on a private Redis Cluster, sharing one fresh Postgres database. */
export interface ClusterStack {
  cluster: PrivateRedisCluster;
  auth: ServiceProcess;
  notes: ServiceProcess;
  activity: ServiceProcess;
  /** The environment every process shares. */
  env: Record<string, string>;
  /** Another instance of notes on its own port (not started). */
  notesInstance(): Promise<ServiceProcess>;
  close(): Promise<void>;
}

/** Starts the cluster, then the three services with `REDIS_CLUSTER_NODES` set. */
export async function startClusterStack(): Promise<ClusterStack> {
  const cluster = await startPrivateRedisCluster();
  let database: FreshDatabase | undefined;
  const processes: ServiceProcess[] = [];
  const close = async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await database?.drop();
    await cluster.stop();
  };
  try {
    database = await createFreshDatabase({ prefix: 'cluster' });
    const [auth, notes, activity] = (await freePorts(3)) as [number, number, number];
    const env: Record<string, string> = {
      ...stackEnv({
        databaseUrl: database.url,
        // Nothing listens here: the cluster must win over REDIS_URL.
        redisUrl: 'redis://127.0.0.1:1',
        prefix: uniquePrefix('cluster'),
        ports: { auth, notes, activity },
      }),
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      LOGIN_MAX_PER_IP: '100000',
      REGISTER_MAX_PER_IP: '100000',
      // Each revocation waits (briefly) for a replica: the path a cluster deployment should enable.
      REDIS_REPLICA_WAIT_MS: '200',
      LOG_LEVEL: 'warn',
    };
    const make = (name: string, url: string, extra: Record<string, string> = {}) => {
      const created = new ServiceProcess({ name, url, env: { ...env, ...extra } });
      processes.push(created);
      return created;
    };
    const stack: ClusterStack = {
      cluster,
      auth: make('auth', env.AUTH_URL!),
      notes: make('notes', env.NOTES_URL!),
      activity: make('activity', env.ACTIVITY_URL!),
      env,
      async notesInstance() {
        const port = await freePort();
        return make('notes', loopbackUrl(port), { NOTES_PORT: String(port) });
      },
      close,
    };
    await Promise.all([stack.auth.start(), stack.notes.start(), stack.activity.start()]);
    return stack;
  } catch (error) {
    await close();
    throw error;
  }
}
