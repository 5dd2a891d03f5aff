import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from '@revoke/db';
import { type AuthDb, type ClientCapability, oauthClients } from '@revoke/db/auth';

/** An authenticated confidential client: its id and what it may do. */
export interface OAuthClient {
  id: string;
  capabilities: ReadonlySet<ClientCapability>;
}

/** A client configured in the environment rather than registered in the database. */
export interface ConfiguredClient {
  id: string;
  secret: string;
  capabilities: readonly ClientCapability[];
}

/** Every confidential client: configured ones (env), then registered ones (`auth.oauth_clients`). */
export interface ClientRegistry {
  /**
   * The client when `secret` is its secret, else undefined: a wrong secret and an unknown id cost the
   * same (a digest compared in constant time either way).
   */
  authenticate(id: string, secret: string): Promise<OAuthClient | undefined>;
  /** Registers a client with a fresh 256-bit secret, stored hashed; returns the secret (shown once). */
  register(id: string, capabilities: readonly ClientCapability[]): Promise<string>;
  /** Removes a registered client: its secret stops working at once. False when there was none. */
  remove(id: string): Promise<boolean>;
  /** Every client, configured and registered, without secrets. */
  list(): Promise<{ id: string; capabilities: ClientCapability[]; source: 'env' | 'database' }[]>;
}

/** Thrown by `register` for an id taken by a configured client or another registered one. */
export class ClientIdTakenError extends Error {
  override readonly name = 'ClientIdTakenError';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
// Compared against for an unknown id, so that it costs what a wrong secret costs.
const DECOY = sha256('no such client');

/** A {@link ClientRegistry} over the configured clients and the database. */
export function createClientRegistry(options: {
  db: AuthDb;
  configured: readonly ConfiguredClient[];
}): ClientRegistry {
  const { db } = options;
  const configured = new Map(
    options.configured.map((client) => [
      client.id,
      { digest: sha256(client.secret), capabilities: new Set(client.capabilities) },
    ]),
  );

  async function registered(id: string) {
    const [row] = await db.select().from(oauthClients).where(eq(oauthClients.id, id));
    return row && { digest: Buffer.from(row.secretHash, 'hex'), capabilities: new Set(row.capabilities) };
  }

  return {
    async authenticate(id, secret) {
      const client = configured.get(id) ?? (await registered(id));
      const matches = timingSafeEqual(sha256(secret), client?.digest ?? DECOY);
      return matches && client ? { id, capabilities: client.capabilities } : undefined;
    },

    async register(id, capabilities) {
      if (configured.has(id)) throw new ClientIdTakenError(`client "${id}" is configured in the environment`);
      const secret = randomBytes(32).toString('base64url');
      const inserted = await db
        .insert(oauthClients)
        .values({ id, secretHash: sha256(secret).toString('hex'), capabilities: [...new Set(capabilities)] })
        .onConflictDoNothing()
        .returning({ id: oauthClients.id });
      if (inserted.length === 0) throw new ClientIdTakenError(`client "${id}" exists`);
      return secret;
    },

    async remove(id) {
      const removed = await db.delete(oauthClients).where(eq(oauthClients.id, id)).returning();
      return removed.length > 0;
    },

    async list() {
      const rows = await db.select().from(oauthClients).orderBy(oauthClients.id);
      return [
        ...[...configured].map(([id, client]) => ({
          id,
          capabilities: [...client.capabilities],
          source: 'env' as const,
        })),
        ...rows.map((row) => ({ id: row.id, capabilities: row.capabilities, source: 'database' as const })),
      ];
    },
  };
}
