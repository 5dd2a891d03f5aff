import { build, preview } from 'vite';

// `pnpm start`: builds the client for the service URLs in this environment (see build-env.ts), then
// serves it on WEB_PORT — in one process, so that the stack has a single process to signal.
await build({ logLevel: 'warn' });
const server = await preview();
server.printUrls();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void server.close().finally(() => process.exit(0));
  });
}
