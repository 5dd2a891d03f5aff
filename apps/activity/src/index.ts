import { closeOnSignals } from '@revoke/service';
import { buildDeps } from './deps.ts';
import { loadEnv } from './env.ts';
import { createServer } from './server.ts';

// Parse env → build dependencies → create the server → listen. Nothing else happens at module level.
const env = loadEnv();
const deps = await buildDeps(env).catch((error: Error) => {
  console.error(`activity: cannot start: ${error.message}`);
  process.exit(1);
});
const app = await createServer(deps);
const url = await app.listen({ port: env.ACTIVITY_PORT, host: env.ACTIVITY_HOST });
deps.logger.info(
  { url, database: env.DATABASE_URL ? 'postgres' : `pglite:${env.ACTIVITY_DATA_DIR}` },
  'activity: ready',
);
closeOnSignals('activity', deps.logger, async () => {
  // Drain first: in-flight requests still need the feed and the database.
  await app.close();
  await deps.close();
});
