import { join } from 'node:path';
import { paintFor } from './colours.ts';
import { loadStackSettings } from './env.ts';
import { startStack } from './stack.ts';
import { StackError } from './stack-error.ts';

// `pnpm start` / `pnpm dev` (with --watch): the whole stack in one command; Ctrl-C stops it.
const root = join(import.meta.dirname, '../../..');
const paint = paintFor(process.stderr);
const settings = loadStackSettings();

const stack = await startStack({
  root,
  mode: process.argv.includes('--watch') ? 'dev' : 'start',
  env: process.env,
  only: settings.STACK_APPS,
  streamLogs: true,
  readyTimeoutMs: settings.STACK_READY_TIMEOUT_SEC * 1000,
  readyHint: 'try `pnpm demo` in another shell; Ctrl-C stops everything',
}).catch((error: Error) => {
  // Expected problems (no Redis, a port taken) are one line; anything else keeps its stack trace.
  process.stderr.write(
    `${paint('red', error instanceof StackError ? error.message : String(error.stack))}\n`,
  );
  process.exit(1);
});

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    signals += 1;
    // A second Ctrl-C means "now": the stop under way escalates to SIGKILL by itself after its grace.
    if (signals > 1) process.stderr.write('[stack] still stopping; a few more seconds at most\n');
    void stack.stop();
  });
}
process.exitCode = await stack.done;
