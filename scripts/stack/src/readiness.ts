import type { PlacedApp } from './apps.ts';
import type { Paint } from './colours.ts';
import type { StackRedis } from './redis.ts';
import type { StackOptions } from './stack.ts';
import { StackError } from './stack-error.ts';

const READY_POLL_MS = 250;
const PROGRESS_EVERY_MS = 3000;

/** Options for {@link waitUntilReady}. */
export interface WaitOptions {
  apps: PlacedApp[];
  options: Pick<StackOptions, 'env' | 'readyTimeoutMs'>;
  say(line: string): void;
  paint: Paint;
  startedAt: number;
  stopped(): boolean;
}

/**
 * Polls every app's readiness endpoint until each answers 200, saying when each is ready and, every
 * few seconds, who is still awaited. Throws when stopped meanwhile, or past the timeout.
 */
export async function waitUntilReady({
  apps,
  options,
  say,
  paint,
  startedAt,
  stopped,
}: WaitOptions): Promise<void> {
  const waiting = new Set(apps);
  let nextProgress = startedAt + PROGRESS_EVERY_MS;
  const seconds = () => ((Date.now() - startedAt) / 1000).toFixed(1);
  while (waiting.size > 0) {
    if (stopped()) throw new StackError('stopped before every app was ready');
    await Promise.all(
      [...waiting].map(async (app) => {
        if (await answersReady(app)) {
          waiting.delete(app);
          say(`${paint(app.colour, app.name)} ready ${paint('grey', `(${seconds()} s)`)}`);
        }
      }),
    );
    if (waiting.size === 0) break;
    const now = Date.now();
    if (now - startedAt > options.readyTimeoutMs) {
      const names = [...waiting].map((app) => app.name).join(', ');
      throw new StackError(
        `not ready after ${Math.round(options.readyTimeoutMs / 1000)} s: ${names}; stopping`,
      );
    }
    if (now >= nextProgress) {
      nextProgress = now + PROGRESS_EVERY_MS;
      const why = options.env.DATABASE_URL
        ? ''
        : paint('grey', ' (the first open of an embedded PGlite database takes several seconds)');
      say(`waiting for ${[...waiting].map((app) => app.name).join(', ')}… ${seconds()} s${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

async function answersReady(app: PlacedApp): Promise<boolean> {
  try {
    const response = await fetch(`${app.url}${app.readyPath}`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** What {@link printReady} shows. */
export interface ReadyReport {
  apps: PlacedApp[];
  redis: StackRedis;
  options: Pick<StackOptions, 'env' | 'readyHint'>;
  say(line: string): void;
  paint: Paint;
  startedAt: number;
}

/** The block printed once everything is ready: each URL, the Redis and the database in use. */
export function printReady({ apps, redis, options, say, paint, startedAt }: ReadyReport): void {
  const width = Math.max(...apps.map((app) => app.name.length), 'database'.length) + 2;
  const row = (name: string, value: string) => `  ${name.padEnd(width)}${value}`;
  const database = options.env.DATABASE_URL
    ? `Postgres at ${redactPassword(options.env.DATABASE_URL)}`
    : 'embedded PGlite, one per app in its data dir (DATABASE_URL is unset)';
  const lines = [
    paint('green', `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`),
    ...apps.map((app) => row(app.name, paint(app.colour, app.url))),
    row('redis', `${redis.url}${redis.isPrivate ? ' (private to this run)' : ''}`),
    row('database', database),
    ...(options.readyHint ? [paint('grey', `  ${options.readyHint}`)] : []),
  ];
  for (const line of lines) say(line);
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
