import { closeOnSignals } from '@revoke/service';
import { buildDeps } from './deps.ts';
import { loadEnv } from './env.ts';
import { createServer } from './server.ts';

// Parse env → build dependencies → create the server → listen. Nothing else happens at module level.
const env = loadEnv();
const deps = await buildDeps(env).catch((error: Error) => {
  console.error(`notes: cannot start: ${error.message}`);
  process.exit(1);
});
const app = await createServer(deps);
const url = await app.listen({ port: env.NOTES_PORT, host: env.NOTES_HOST });
deps.logger.info(
  { url, database: env.DATABASE_URL ? 'postgres' : `pglite:${env.NOTES_DATA_DIR}` },
  'notes: ready',
);
closeOnSignals('notes', deps.logger, async () => {
  // Drain first: in-flight requests still need the feed and the database.
  await app.close();
  await deps.close();
});
