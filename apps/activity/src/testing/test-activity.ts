import type { AddressInfo } from 'node:net';
import { createRevocationWriter, localKeys, type RevocationWriter } from '@revoke/auth';
import { createTestSigner, TEST_ISSUER_POLICY, type TestSigner, testPrefix } from '@revoke/auth/testing';
import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { type ActivityDeps, buildDeps } from '../deps.ts';
import { envSchema } from '../env.ts';
import { createServer } from '../server.ts';

/** A tRPC response over HTTP: status, parsed body, raw text. */
export interface TrpcResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
  text: string;
}

/** A running activity service on port 0 with its own database, key prefix and token signer. */
export interface TestActivity {
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
  query(path: string, headers?: Record<string, string>): Promise<TrpcResponse>;
  mutate(path: string, input?: unknown, headers?: Record<string, string>): Promise<TrpcResponse>;
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

/** The claims of a compact JWS, unverified: tests read `jti`/`exp` of tokens they minted. */
export function claimsOf(token: string): { jti: string; sid: string; sub: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
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

  async function send(path: string, init: RequestInit): Promise<TrpcResponse> {
    const response = await fetch(`${url}/trpc/${path}`, init);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body, text };
  }

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
      const { jti, exp } = claimsOf(token);
      await writer.revokeToken({ jti, exp });
    },
    query: (path, headers = {}) => send(path, { headers }),
    mutate: (path, input, headers = {}) =>
      send(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: input === undefined ? undefined : JSON.stringify(input),
      }),
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

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Polls `check` every 5 ms until it passes (revocation arrives in one pub/sub hop). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 1000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
