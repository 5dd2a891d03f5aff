import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PlacedApp } from './apps.ts';
import { StackError } from './stack-error.ts';

/** How an app process ended. */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One app running as a child process. */
export interface AppProcess {
  app: PlacedApp;
  pid: number;
  exited: Promise<AppExit>;
  /** False once it exited. */
  running(): boolean;
  /** Its last lines of output, for a failure report when output is not streamed. */
  tail(): string[];
  /** SIGTERM, then SIGKILL to its whole process group after `graceMs`; resolves once it exited. */
  stop(graceMs: number): Promise<AppExit>;
}

/** Options for {@link spawnApp}. */
export interface SpawnAppOptions {
  app: PlacedApp;
  root: string;
  /** The app's package.json script to run: `start`, or `dev` for watch mode. */
  script: 'start' | 'dev';
  env: NodeJS.ProcessEnv;
  /** Receives every line the app prints, stdout and stderr alike. */
  onLine(line: string): void;
}

const TAIL_LINES = 40;

/**
 * Runs the app's own `start`/`dev` script the way `pnpm run` would (its `node_modules/.bin` on
 * PATH, its folder as cwd), without pnpm in between: one process to signal, no install check.
 * `exec` makes the script's command the group leader; its own process group keeps a terminal's
 * Ctrl-C away from it, so it gets exactly one SIGTERM, from us (a second one makes the services
 * exit at once, skipping their drain).
 */
export function spawnApp(options: SpawnAppOptions): AppProcess {
  const { app, root } = options;
  const cwd = join(root, app.dir);
  const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const command = manifest.scripts?.[options.script];
  if (!command) throw new StackError(`${app.dir}/package.json has no "${options.script}" script`);
  const path = [join(cwd, 'node_modules/.bin'), join(root, 'node_modules/.bin'), options.env.PATH ?? '']
    .filter(Boolean)
    .join(delimiter);
  const child: ChildProcess = spawn('sh', ['-c', `exec ${command}`], {
    cwd,
    env: { ...options.env, PATH: path },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine(line);
    });
  }
  const exited = new Promise<AppExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A spawn failure (no `sh`?) emits 'error' and maybe no 'exit'.
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const pid = child.pid ?? -1;
  let stopping: Promise<AppExit> | undefined;
  return {
    app,
    pid,
    exited,
    running: () => running,
    tail: () => [...tail],
    stop(graceMs) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) signalGroup(pid, 'SIGTERM', false);
        const killer = setTimeout(() => signalGroup(pid, 'SIGKILL', true), graceMs);
        const exit = await exited;
        clearTimeout(killer);
        // Whatever the leader left behind (a watcher's child, a worker) goes with it.
        signalGroup(pid, 'SIGKILL', true);
        return exit;
      })();
      return stopping;
    },
  };
}

/** Signals the leader only (it relays, as tsx does), or its whole process group. */
function signalGroup(pid: number, signal: NodeJS.Signals, group: boolean): void {
  if (pid <= 0) return;
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}
