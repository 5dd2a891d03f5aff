import { randomBytes } from 'node:crypto';
import { loopbackUrl } from './ports.ts';

/** The shared Redis every test uses unless it starts its own. */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A Redis key prefix no other run shares: `<label>:<random hex>:`. */
export const uniquePrefix = (label: string): string => `${label}:${randomBytes(6).toString('hex')}:`;

/**
 * The service credential notes calls activity with, for one stack: a fresh random secret, given to
 * the auth app (`SERVICE_CLIENTS`) and to notes (`SERVICE_CLIENT_SECRET`).
 */
export function serviceCredentialEnv(): Record<string, string> {
  const secret = randomBytes(32).toString('base64url');
  return { SERVICE_CLIENTS: `notes:${secret}`, SERVICE_CLIENT_SECRET: secret };
}

/** Ports of the three services of one stack. */
export interface StackPorts {
  auth: number;
  notes: number;
  activity: number;
}

/**
 * The environment every process of a test stack shares: its Postgres, Redis, revocation prefix, each
 * service's port and URL on loopback, and notes' service credential. Add test-specific settings on top.
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
    AUTH_URL: loopbackUrl(ports.auth),
    NOTES_URL: loopbackUrl(ports.notes),
    ACTIVITY_URL: loopbackUrl(ports.activity),
    ...serviceCredentialEnv(),
  };
}
