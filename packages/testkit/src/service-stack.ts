import { freePorts } from './ports.ts';
import { ServiceProcess } from './processes.ts';
import { SHARED_REDIS_URL, stackEnv, uniquePrefix } from './stack-env.ts';

export type ServiceName = 'auth' | 'notes' | 'activity';

/** auth, notes and activity as three processes of one stack. */
export interface StackServices {
  auth: ServiceProcess;
  notes: ServiceProcess;
  activity: ServiceProcess;
  /** SIGTERM to all three (those not running are skipped). */
  stop(): Promise<void>;
}

/**
 * The environment of a stack on three free ports, with a Redis prefix of its own (`<label>:<hex>:`) on
 * the shared Redis unless `redisUrl` names another.
 */
export async function stackEnvOnFreePorts(options: {
  databaseUrl: string;
  label: string;
  redisUrl?: string;
}): Promise<Record<string, string>> {
  const [auth, notes, activity] = (await freePorts(3)) as [number, number, number];
  return stackEnv({
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl ?? SHARED_REDIS_URL,
    prefix: uniquePrefix(options.label),
    ports: { auth, notes, activity },
  });
}

/** The three services of a stack on `env` (made by {@link stackEnv}), not started yet. */
export function stackServices(env: Record<string, string>): StackServices {
  const make = (name: ServiceName, url: string) => new ServiceProcess({ name, url, env });
  const services = {
    auth: make('auth', env.AUTH_URL!),
    notes: make('notes', env.NOTES_URL!),
    activity: make('activity', env.ACTIVITY_URL!),
    async stop() {
      await Promise.all([services.auth.stop(), services.notes.stop(), services.activity.stop()]);
    },
  };
  return services;
}

/**
 * Starts all three at once: the services become ready once the auth app has seeded Redis (its epoch),
 * so none has to wait for another's start. Stops them all again if one does not become ready.
 */
export async function startStackServices(env: Record<string, string>): Promise<StackServices> {
  const services = stackServices(env);
  try {
    await Promise.all([services.auth.start(), services.notes.start(), services.activity.start()]);
  } catch (error) {
    await services.stop();
    throw error;
  }
  return services;
}
