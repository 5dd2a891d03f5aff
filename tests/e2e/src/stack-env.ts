/** Ports of the three services of one stack. */
export interface StackPorts {
  auth: number;
  notes: number;
  activity: number;
}

/**
 * The environment every process of a test stack shares (DESIGN §5): its Postgres, Redis, revocation
 * prefix, and each service's port and URL on loopback. Add test-specific settings on top.
 */
export function stackEnv(options: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  ports: StackPorts;
}): Record<string, string> {
  const { ports } = options;
  return {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    REVOCATION_PREFIX: options.prefix,
    AUTH_PORT: String(ports.auth),
    NOTES_PORT: String(ports.notes),
    ACTIVITY_PORT: String(ports.activity),
    AUTH_URL: `http://127.0.0.1:${ports.auth}`,
    NOTES_URL: `http://127.0.0.1:${ports.notes}`,
    ACTIVITY_URL: `http://127.0.0.1:${ports.activity}`,
  };
}
