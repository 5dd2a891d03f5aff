import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type AppPlacementEnv, placementOf } from './app-env.ts';
import { closeOnSignals } from './lifecycle.ts';

/** What {@link startService} needs of the app's dependencies. */
export interface RunningDeps {
  logger: Logger;
  /** Closes what the app opened (feeds, Redis, the database), after the server drained. */
  close(): Promise<void>;
}

/** One app, as its `index.ts` starts it. */
export interface ServiceDefinition<
  N extends string,
  TEnv extends AppPlacementEnv<N>,
  TDeps extends RunningDeps,
> {
  /** `auth`, `notes`, `activity`: prefixes log lines, and names the env's `<NAME>_PORT`, `_HOST`, `_DATA_DIR`. */
  name: N;
  /** The app's validated configuration (its `loadEnv()`). */
  env: TEnv & { DATABASE_URL?: string | undefined };
  buildDeps(env: TEnv): Promise<TDeps>;
  /** The HTTP server, not yet listening. */
  createServer(deps: TDeps): Promise<FastifyInstance>;
  /** The URL the app is reached at, for the "ready" line; default: the address it listens on. */
  publicUrl?: string;
}

/**
 * Builds the app's dependencies, serves it on `<NAME>_HOST:<NAME>_PORT`, and on SIGINT or SIGTERM
 * drains the server before closing the dependencies (in-flight requests still need them). A problem
 * while starting is one `<name>: cannot start: …` line and exit code 1.
 */
export async function startService<
  N extends string,
  TEnv extends AppPlacementEnv<N>,
  TDeps extends RunningDeps,
>(service: ServiceDefinition<N, TEnv, TDeps>): Promise<void> {
  const { name, env } = service;
  const cannotStart = (error: Error): never => {
    console.error(`${name}: cannot start: ${error.message}`);
    process.exit(1);
  };
  const deps = await service.buildDeps(env).catch(cannotStart);
  const { port, host, dataDir } = placementOf(name, env);
  const app = await service.createServer(deps);
  const url = await app.listen({ port, host }).catch(async (error: Error) => {
    await app.close();
    await deps.close();
    return cannotStart(error);
  });
  const database = env.DATABASE_URL ? 'postgres' : `pglite:${dataDir}`;
  deps.logger.info({ url: service.publicUrl ?? url, database }, `${name}: ready`);
  closeOnSignals(name, deps.logger, async () => {
    await app.close();
    await deps.close();
  });
}
