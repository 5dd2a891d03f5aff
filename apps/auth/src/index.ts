import { buildDeps } from './deps.ts';
import { loadEnv } from './env.ts';
import { createServer } from './server.ts';

// Parse env → build dependencies → create the server → listen. Nothing else happens at module level.
const env = loadEnv();
const deps = await buildDeps(env).catch((error: Error) => {
  console.error(`auth: cannot start: ${error.message}`);
  process.exit(1);
});
const app = await createServer(deps);
await app.listen({ port: env.AUTH_PORT, host: env.AUTH_HOST });
deps.logger.info(
  { url: env.AUTH_URL, database: env.DATABASE_URL ? 'postgres' : `pglite:${env.AUTH_DATA_DIR}` },
  'auth: ready',
);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    deps.logger.info({ signal }, 'auth: shutting down');
    await app.close();
    await deps.close();
    process.exit(0);
  });
}
