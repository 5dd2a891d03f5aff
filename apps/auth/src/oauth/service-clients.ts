import type { ConfiguredClient } from './client-registry.ts';

/** A service allowed to get service tokens: its client id and secret. */
export interface ServiceClient {
  id: string;
  secret: string;
}

/** Client ids: short lower-case names, never shaped like a UUID (user ids are UUIDs; both are `sub`s). */
const CLIENT_ID = /^[a-z][a-z0-9-]{1,31}$/;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-/;
/** Shorter secrets could be guessed; this is what `openssl rand -base64 32` prints, and more. */
export const MIN_CLIENT_SECRET_LENGTH = 32;

/** Why `id` cannot be a client id, or undefined when it can. */
export function clientIdProblem(id: string): string | undefined {
  if (!CLIENT_ID.test(id) || UUID_SHAPE.test(id))
    return `"${id}" is not a client id (lower-case letters, digits and "-", 2 to 32, not a UUID)`;
  return undefined;
}

/**
 * Parses `SERVICE_CLIENTS`: comma-separated `id:secret` (the secret is everything after the first
 * colon). Throws a readable error for a bad id, a short secret or a repeated id.
 */
export function parseServiceClients(list: string): ServiceClient[] {
  const clients = list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const colon = item.indexOf(':');
      const id = colon < 0 ? item : item.slice(0, colon);
      const secret = colon < 0 ? '' : item.slice(colon + 1);
      if (!CLIENT_ID.test(id) || UUID_SHAPE.test(id))
        throw new Error(
          `"${id}" is not a client id (lower-case letters, digits and "-", 2 to 32, not a UUID)`,
        );
      if (secret.length < MIN_CLIENT_SECRET_LENGTH)
        throw new Error(`the secret of "${id}" is shorter than ${MIN_CLIENT_SECRET_LENGTH} characters`);
      return { id, secret };
    });
  const ids = clients.map((client) => client.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`client "${repeated}" is listed twice`);
  return clients;
}

/**
 * The clients configured in the environment: each of `SERVICE_CLIENTS` may get service tokens, and
 * `INTROSPECTION_SECRET` (kept working as before) is the secret of the client `introspect`.
 */
export function configuredClientsOf(env: {
  SERVICE_CLIENTS: readonly ServiceClient[];
  INTROSPECTION_SECRET?: string | undefined;
}): ConfiguredClient[] {
  const services = env.SERVICE_CLIENTS.map((client) => ({ ...client, capabilities: ['service'] as const }));
  const introspection = env.INTROSPECTION_SECRET
    ? [{ id: 'introspect', secret: env.INTROSPECTION_SECRET, capabilities: ['introspect'] as const }]
    : [];
  return [...introspection, ...services];
}
