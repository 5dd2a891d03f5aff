import type { AddressInfo } from 'node:net';
import { localKeys } from '@revoke/auth';
import { createTestSigner, TEST_ISSUER_POLICY, type TestSigner, testPrefix } from '@revoke/auth/testing';
import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
import { createRevocationWriter, type RevocationWriter } from '@revoke/auth/writer';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { type TrpcClient, trpcClient } from '@revoke/testkit/trpc-http';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { decodeJwt } from 'jose';
import { type ActivityDeps, buildDeps } from '../deps.ts';
import { envSchema } from '../env.ts';
import { createServer } from '../server.ts';

/** A running activity service on port 0 with its own database, key prefix and token signer. */
export interface TestActivity extends TrpcClient {
  url: string;
  deps: ActivityDeps;
  app: FastifyInstance;
  db: TestDb<'activity'>;
  signer: TestSigner;
  /** Writes revocations under this service's prefix, as the auth app's relay would. */
  writer: RevocationWriter;
  /** Mints a valid access token (for `sub` when given). */
  token(sub?: string): Promise<string>;
  /** A service token minted for activity, for client `caller` (default `notes`), as the auth app mints it. */
  serviceToken(caller?: string, claims?: Record<string, unknown>): Promise<string>;
  /** The headers notes sends when it records on behalf of `userToken`: the user's token and its own. */
  asNotes(userToken: string): Promise<Record<string, string>>;
  /** Revokes one token by its `jti`, as logout does. */
  revoke(token: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startTestActivity}. */
export interface StartTestActivityOptions {
  /** Extra environment (e.g. `REVOCATION_STALE_AFTER_MS`). */
  env?: Record<string, string>;
  /** Write the Redis epoch before starting (default true); without it the feed never becomes ready. */
  setEpoch?: boolean;
  /** Passed to `buildDeps`; default true. */
  waitForFeed?: boolean;
}

/**
 * Starts the activity service as `index.ts` does, but on port 0, against a throwaway Postgres
 * database, a unique Redis key prefix, silent logs, and a test signer's public keys.
 */
export async function startTestActivity(options: StartTestActivityOptions = {}): Promise<TestActivity> {
  const signer = await createTestSigner({ audience: 'revoke' });
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = testPrefix('activity');
  const redis = new Redis(redisUrl);
  const writer = createRevocationWriter({ redis, prefix });
  // What the auth app writes at start: services take their clock tolerance and token lifetime from it.
  await writer.setPolicy(TEST_ISSUER_POLICY);
  if (options.setEpoch ?? true) await writer.setEpoch();
  const db = await createTestDb('activity');
  const env = envSchema.parse({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    REVOCATION_PREFIX: prefix,
    AUTH_URL: signer.issuer,
    TOKEN_AUDIENCE: signer.audience,
    // Plain-HTTP cookies (`access_token`), as the stack runs locally: the signer's issuer is no real URL.
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const deps = await buildDeps(env, {
    keys: localKeys(signer.jwks),
    waitForFeed: options.waitForFeed ?? true,
  }).catch(async (error: unknown) => {
    redis.disconnect();
    await db.close();
    throw error;
  });
  const app = await createServer(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const serviceToken = (caller = 'notes', claims: Record<string, unknown> = {}) =>
    signer.sign({ aud: deps.env.SERVICE_AUDIENCE, sub: caller, client_id: caller, ...claims });

  return {
    url,
    deps,
    app,
    db,
    signer,
    writer,
    token: (sub) => signer.sign(sub ? { sub } : {}),
    serviceToken,
    asNotes: async (userToken) => ({
      authorization: `Bearer ${userToken}`,
      [SERVICE_TOKEN_HEADER]: `Bearer ${await serviceToken()}`,
    }),
    async revoke(token) {
      const { jti, exp } = decodeJwt(token);
      await writer.revokeToken({ jti: jti!, exp: exp! });
    },
    ...trpcClient(url),
    async close() {
      await app.close();
      await deps.close();
      await db.close();
      // The epoch and index never expire by themselves: leave nothing behind on the shared Redis.
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
      }
      redis.disconnect();
    },
  };
}
