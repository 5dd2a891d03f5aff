import { join } from 'node:path';
import { type PlacedApp, placeApps, presentApps } from './apps.ts';
import { paintFor } from './colours.ts';
import { runDemo } from './demo/demo-flow.ts';
import { Report } from './demo/report.ts';
import { loadStackSettings } from './env.ts';
import { isLoopback } from './ports.ts';
import { type Stack, startStack } from './stack.ts';
import { StackError } from './stack-error.ts';

// `pnpm demo`: the tutorial's Postman test against the running stack, or a stack it starts and stops.
const root = join(import.meta.dirname, '../../..');
const paint = paintFor(process.stdout);
const write = (line: string) => process.stdout.write(`${line}\n`);
const NEEDED = ['auth', 'notes', 'activity'] as const;

const apps = placeApps(presentApps(root), process.env).filter((app) =>
  NEEDED.some((name) => name === app.name),
);
const missing = NEEDED.filter((name) => !apps.some((app) => app.name === name));
if (missing.length) fatal(`the demo needs ${missing.join(', ')}, which this checkout does not have`);

let stack: Stack | undefined;
const states = await Promise.all(apps.map(probe));
if (states.every((state) => state === 'down')) {
  if (!apps.every((app) => isLoopback(new URL(app.url).hostname))) {
    fatal(`nothing answers at ${apps.map((app) => app.url).join(', ')}`);
  }
  write(paint('grey', 'Nothing answers yet: starting the stack for this run (it stops when the demo ends).'));
  stack = await startStack({
    root,
    mode: 'start',
    env: process.env,
    only: NEEDED,
    streamLogs: false,
    readyTimeoutMs: loadStackSettings().STACK_READY_TIMEOUT_SEC * 1000,
  }).catch((error: Error) => fatal(error instanceof StackError ? error.message : String(error.stack)));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stack?.stop());
  await stack.ready.catch(async () => process.exit(await stack!.done));
} else {
  const down = apps.filter((_app, index) => states[index] === 'down');
  if (down.length) {
    const names = down.map((app) => `${app.name} (${app.url})`).join(', ');
    fatal(
      `${names} ${down.length === 1 ? 'does' : 'do'} not answer while the rest does: start the whole stack with \`pnpm start\``,
    );
  }
  await waitForReadiness(apps);
}

write(paint('bold', "revoke demo: the tutorial's Postman test, automated"));
for (const app of apps) write(`  ${app.name.padEnd(10)}${paint(app.colour, app.url)}`);
const report = new Report(write, paint);
try {
  await runDemo({ auth: urlOf('auth'), notes: urlOf('notes'), activity: urlOf('activity') }, report);
} catch (error) {
  report.check(false, 'the demo ran to the end', error instanceof Error ? error.message : String(error));
}
report.summary();
if (stack) await stack.stop();
process.exit(report.failures === 0 ? 0 : 1);

function urlOf(name: string): string {
  return apps.find((app) => app.name === name)!.url;
}

/** `ready` (200), `starting` (answers, not ready yet) or `down` (nothing listening). */
async function probe(app: PlacedApp): Promise<'ready' | 'starting' | 'down'> {
  try {
    const response = await fetch(`${app.url}${app.readyPath}`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200 ? 'ready' : 'starting';
  } catch {
    return 'down';
  }
}

/** A stack still starting (pnpm start in another shell) gets a minute to become ready. */
async function waitForReadiness(targets: PlacedApp[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const states = await Promise.all(targets.map(probe));
    if (states.every((state) => state === 'ready')) return;
    if (Date.now() > deadline) {
      const names = targets.filter((_app, index) => states[index] !== 'ready').map((app) => app.name);
      fatal(`${names.join(', ')} not ready after 60 s (see /readyz)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function fatal(message: string): never {
  process.stderr.write(`${paint('red', `demo: ${message}`)}\n`);
  process.exit(1);
}
