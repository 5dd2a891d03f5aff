import { type AppProcess, spawnApp } from './app-process.ts';
import { type AppSpec, type PlacedApp, placeApps, presentApps, stackEnv } from './apps.ts';
import { paintFor } from './colours.ts';
import { createLineFormatter } from './log-format.ts';
import { isPortFree } from './ports.ts';
import { printReady, waitUntilReady } from './readiness.ts';
import { ensureRedis, type StackRedis } from './redis.ts';
import { StackError } from './stack-error.ts';

/** Options for {@link startStack}. */
export interface StackOptions {
  /** Repository root. */
  root: string;
  /** `start` runs each app's `start` script; `dev` its `dev` script (tsx watch). */
  mode: 'start' | 'dev';
  env: NodeJS.ProcessEnv;
  /** Names of the apps to run; default every app present in the checkout. */
  only?: readonly string[] | undefined;
  /** Print the apps' output, prefixed (pnpm start); otherwise keep it for a failure report (pnpm demo). */
  streamLogs: boolean;
  /** Give up when not every app is ready after this long. */
  readyTimeoutMs: number;
  /** A last line under the URLs once everything is ready (what to do next). */
  readyHint?: string | undefined;
  out?: { write(text: string): unknown; isTTY?: boolean };
}

/** A running stack. */
export interface Stack {
  apps: PlacedApp[];
  redis: StackRedis;
  /** Resolves once every app answers ready; rejects, after stopping everything, if one died or timed out. */
  ready: Promise<void>;
  /** Resolves with the exit code once every process stopped: 0 after {@link Stack.stop}, 1 after a failure. */
  done: Promise<number>;
  /** Stops every app, then the private Redis; idempotent. */
  stop(): Promise<number>;
}

const STOP_GRACE_MS = 10_000;

/**
 * Starts every app as a child process against one Redis (a private one if none answers), prints
 * their output prefixed by app name, and waits for each one's readiness endpoint. Everything starts
 * at once, auth first: the services wait for their revocation feed's first snapshot themselves, so
 * serialising would only add an embedded-database open (seconds) to the start.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const out = options.out ?? process.stdout;
  const paint = paintFor(out, options.env);
  const specs = selectApps(options.root, options.only);
  const apps = placeApps(specs, options.env);
  const width = Math.max(...apps.map((app) => app.name.length), 'stack'.length) + 2;
  const say = (line: string) => out.write(`${paint('bold', '[stack]'.padEnd(width))} ${line}\n`);

  for (const app of apps) {
    if (!(await isPortFree(app.port))) {
      throw new StackError(
        `port ${app.port} (${app.name}) is in use: is a stack already running? (\`pnpm demo\` talks to it; set ${app.portVar} to run another)`,
      );
    }
  }
  const redis = await ensureRedis(options.env.REDIS_URL || 'redis://127.0.0.1:6379', say);
  const childEnv = { ...options.env, ...stackEnv(apps, redis.url, options.env) };

  const startedAt = Date.now();
  const processes: AppProcess[] = [];
  let stopping: Promise<number> | undefined;
  let failed = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  const stop = (): Promise<number> => {
    stopping ??= (async () => {
      const running = processes.filter((child) => child.running());
      if (running.length) say(`stopping ${running.map((child) => child.app.name).join(', ')}…`);
      await Promise.all(processes.map((child) => child.stop(STOP_GRACE_MS)));
      await redis.stop();
      say(redis.isPrivate ? 'stopped (and the private Redis)' : 'stopped');
      process.off('exit', killAll);
      const code = failed ? 1 : 0;
      resolveDone(code);
      return code;
    })();
    return stopping;
  };
  // Last resort if this process ends without stop() (an uncaught error): no orphaned app keeps its port.
  const killAll = () => {
    for (const pid of [...processes.map((child) => -child.pid), redis.pid ?? 0]) {
      try {
        if (pid !== 0) process.kill(pid, 'SIGKILL');
      } catch {}
    }
  };
  process.on('exit', killAll);

  const fail = (reason: string) => {
    if (stopping) return;
    failed = true;
    say(paint('red', reason));
    void stop();
  };

  for (const app of apps) {
    const format = createLineFormatter(paint);
    const prefix = `${paint(app.colour, `[${app.name}]`.padEnd(width))} `;
    const child = spawnApp({
      app,
      root: options.root,
      script: options.mode,
      env: childEnv,
      onLine: (line) => {
        if (!options.streamLogs) return;
        const text = format(line);
        if (text !== null) out.write(`${text.replace(/^/gm, prefix)}\n`);
      },
    });
    processes.push(child);
    void child.exited.then((exit) => {
      if (stopping) return;
      if (!options.streamLogs) {
        for (const line of child.tail()) out.write(`${prefix}${line}\n`);
      }
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      fail(`${app.name} ${how}; stopping the others`);
    });
  }

  const ready = waitUntilReady({
    apps,
    options,
    say,
    paint,
    startedAt,
    stopped: () => stopping !== undefined,
  })
    .then(() => printReady({ apps, redis, options, say, paint, startedAt }))
    .catch(async (error: Error) => {
      fail(error.message);
      await stop();
      throw error;
    });
  // Callers that only await `done` must not see an unhandled rejection.
  ready.catch(() => {});
  return { apps, redis, ready, done, stop };
}

function selectApps(root: string, only: readonly string[] | undefined): AppSpec[] {
  const present = presentApps(root);
  if (!only?.length) return present;
  const unknown = only.filter((name) => !present.some((app) => app.name === name));
  if (unknown.length) {
    throw new StackError(
      `unknown app ${unknown.join(', ')} (known: ${present.map((app) => app.name).join(', ')})`,
    );
  }
  return present.filter((app) => only.includes(app.name));
}
