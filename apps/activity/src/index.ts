import { startService } from '@revoke/service';
import { buildDeps } from './deps.ts';
import { loadEnv } from './env.ts';
import { createServer } from './server.ts';

// Parse env → build dependencies → serve; Ctrl-C drains, then closes. Nothing else happens at module level.
await startService({ name: 'activity', env: loadEnv(), buildDeps, createServer });
