import type { AddressInfo } from 'node:net';
import { localKeys } from '@revoke/auth';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { type TrpcClient, type TrpcResponse, trpcClient, trpcQuery } from '@revoke/testkit/trpc-http';
import type { FastifyInstance } from 'fastify';
import { buildDeps, type NotesDeps } from '../deps.ts';
import { envSchema } from '../env.ts';
import { appRouter } from '../router.ts';
import { createServer } from '../server.ts';
import { createCallerFactory, createNotesContext } from '../trpc.ts';
import { type ActivityProcess, startActivityProcess } from './activity-process.ts';
import { startTestIssuer, TEST_SERVICE_SECRET, type TestIssuer } from './test-issuer.ts';
import { createTestRevocations, type TestRevocations } from './test-revocations.ts';

/** A running notes service on port 0 with its own database, and helpers to call it. */
export interface TestNotes extends TrpcClient {
  url: string;
  deps: NotesDeps;
  app: FastifyInstance;
  db: TestDb<'notes'>;
  /** A `createCaller` caller as a request with these headers would get. */
  caller(headers: Record<string, string>): ReturnType<typeof appRouter.createCaller>;
  close(): Promise<void>;
}

/** Options of {@link startTestNotes}. */
export interface StartTestNotesOptions {
  issuer: TestIssuer;
  revocations: TestRevocations;
  activityUrl: string;
  env?: Record<string, string>;
  /** Passed to `buildDeps`; default true. */
  waitForFeed?: boolean;
}

/**
 * Starts the notes service as `index.ts` does, but on port 0, against a throwaway Postgres
 * database, the given Redis prefix, silent logs, and the issuer's public keys.
 */
export async function startTestNotes(options: StartTestNotesOptions): Promise<TestNotes> {
  const db = await createTestDb('notes');
  const env = envSchema.parse({
    DATABASE_URL: db.url,
    REDIS_URL: options.revocations.redisUrl,
    REVOCATION_PREFIX: options.revocations.prefix,
    AUTH_URL: options.issuer.url,
    TOKEN_AUDIENCE: options.issuer.signer.audience,
    ACTIVITY_URL: options.activityUrl,
    SERVICE_CLIENT_SECRET: TEST_SERVICE_SECRET,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const deps = await buildDeps(env, {
    keys: localKeys(options.issuer.signer.jwks),
    waitForFeed: options.waitForFeed ?? true,
  }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const app = await createServer(deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const createCaller = createCallerFactory(appRouter);
  return {
    url,
    deps,
    app,
    db,
    caller: (headers) => createCaller(createNotesContext(deps, headers)),
    ...trpcClient(url),
    async close() {
      await app.close();
      await deps.close();
      await db.close();
    },
  };
}

/** Notes and the real activity process, verifying one issuer's tokens, on one revocation namespace. */
export interface TestFleet {
  issuer: TestIssuer;
  revocations: TestRevocations;
  activity: ActivityProcess;
  notes: TestNotes;
  /** A GET of an activity query with these headers. */
  activityQuery(path: string, headers?: Record<string, string>): Promise<TrpcResponse>;
  close(): Promise<void>;
}

/** Starts an issuer, a Redis namespace with its epoch, the activity process and notes in process. */
export async function startTestFleet(
  options: { activityEnv?: Record<string, string> } = {},
): Promise<TestFleet> {
  const issuer = await startTestIssuer();
  const revocations = await createTestRevocations();
  const activity = await startActivityProcess({
    authUrl: issuer.url,
    redisUrl: revocations.redisUrl,
    prefix: revocations.prefix,
    ...(options.activityEnv ? { env: options.activityEnv } : {}),
  });
  const notes = await startTestNotes({ issuer, revocations, activityUrl: activity.url });
  return {
    issuer,
    revocations,
    activity,
    notes,
    activityQuery: (path, headers = {}) => trpcQuery(activity.url, path, headers),
    async close() {
      await notes.close();
      await activity.stop();
      await revocations.close();
      await issuer.close();
    },
  };
}
