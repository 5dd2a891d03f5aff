import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { testPrefix } from '@revoke/auth/testing';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { type TrpcClient, trpcClient } from '@revoke/testkit/trpc-http';
import type { FastifyInstance } from 'fastify';
import { type AuthDeps, buildDeps } from '../deps.ts';
import { envSchema } from '../env.ts';
import { createServer } from '../server.ts';

export const TEST_INTROSPECTION_SECRET = 'test-introspection-secret';

/** A running auth app on port 0 with its own database and key prefix, and helpers to call it. */
export interface TestAuthApp extends TrpcClient {
  url: string;
  deps: AuthDeps;
  app: FastifyInstance;
  db: TestDb<'auth'>;
  close(): Promise<void>;
}

/**
 * Starts the auth app as `index.ts` does, but on port 0, against a throwaway Postgres database
 * (or PGlite when `env.DATABASE_URL` is ''), a unique Redis key prefix, and silent logs.
 */
export async function startTestAuthApp(
  env: Record<string, string> = {},
  options: {
    /**
     * Make the issuer (`AUTH_URL`) the URL the app answers on, for clients that follow the URLs its
     * metadata names (discovery, JWKS). Its port is known only once listening, after the env is fixed:
     * so a listener is opened first, made the issuer, and hands its connections to the app's server
     * (`emit('connection')`, node:http's documented way to inject one).
     */
    issuerIsOwnUrl?: boolean;
  } = {},
): Promise<TestAuthApp> {
  const front = options.issuerIsOwnUrl ? await openFront() : undefined;
  if (front) env = { ...env, AUTH_URL: front.url };
  const db = await createTestDb('auth');
  const parsed = envSchema.parse({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REVOCATION_PREFIX: testPrefix('authapp'),
    LOG_LEVEL: 'silent',
    INTROSPECTION_SECRET: TEST_INTROSPECTION_SECRET,
    ...env,
  });
  const deps = await buildDeps(parsed).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const app = await createServer(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  front?.server.on('connection', (socket) => app.server.emit('connection', socket));
  const url = front?.url ?? `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  return {
    url,
    deps,
    app,
    db,
    ...trpcClient(url),
    async close() {
      front?.server.close();
      await app.close();
      await deps.close();
      await db.close();
    },
  };
}

/** A loopback listener on a free port, and its URL. */
async function openFront(): Promise<{ server: NetServer; url: string }> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A unique e-mail and a valid password. */
export function newCredentials(label = 'user'): { email: string; password: string } {
  return {
    email: `${label}-${Math.random().toString(36).slice(2)}@example.com`,
    password: 'correct horse battery staple',
  };
}

/** Registers and logs in; returns the login result. */
export async function signUpAndLogIn(
  app: TestAuthApp,
  credentials = newCredentials(),
  headers: Record<string, string> = {},
) {
  const registered = await app.mutate('auth.register', credentials);
  if (registered.status !== 200) throw new Error(`register failed: ${registered.text}`);
  const login = await app.mutate('auth.login', credentials, headers);
  if (login.status !== 200) throw new Error(`login failed: ${login.text}`);
  return {
    credentials,
    ...(login.body.result.data as { accessToken: string; refreshToken: string; user: { id: string } }),
    headers: login.headers,
  };
}
