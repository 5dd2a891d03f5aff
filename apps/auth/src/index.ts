import { startService } from '@revoke/service';
import { buildDeps } from './deps.ts';
import { loadEnv } from './env.ts';
import { createServer } from './server.ts';

// Parse env → build dependencies → serve; Ctrl-C drains (closing open session streams), then closes.
const env = loadEnv();
await startService({ name: 'auth', env, buildDeps, createServer, publicUrl: env.AUTH_URL });
