import { createHash, timingSafeEqual } from 'node:crypto';

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

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The configured service clients, by id, with secrets held only as digests. */
export interface ServiceClientRegistry {
  /** The client id when `secret` is this client's, else undefined. Constant time whatever the input. */
  authenticate(id: string, secret: string): string | undefined;
}

/** A {@link ServiceClientRegistry} over the parsed `SERVICE_CLIENTS`. */
export function createServiceClientRegistry(clients: readonly ServiceClient[]): ServiceClientRegistry {
  const digests = new Map(clients.map((client) => [client.id, digest(client.secret)]));
  // Compared against for an unknown id, so that an unknown id costs what a wrong secret costs.
  const decoy = digest('no such client');
  return {
    authenticate(id, secret) {
      const expected = digests.get(id);
      const matches = timingSafeEqual(digest(secret), expected ?? decoy);
      return matches && expected !== undefined ? id : undefined;
    },
  };
}
