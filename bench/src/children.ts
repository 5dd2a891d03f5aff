import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The tsx loader, by absolute URL, so children resolve it whatever their working directory. */
export const TSX_LOADER = import.meta.resolve('tsx');

/** Absolute path of a file of this package's `src`. */
export const benchFile = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export interface ForkOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags (`--expose-gc`, `--cpu-prof`, …). */
  nodeArgs?: string[];
  cwd?: string;
}

/** Starts a TypeScript file in its own node process with an IPC channel; all its output goes to our stderr. */
export function forkTs(file: string, options: ForkOptions = {}): ChildProcess {
  return fork(file, options.args ?? [], {
    execArgv: ['--import', TSX_LOADER, ...(options.nodeArgs ?? [])],
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    // stdout too: our stdout carries the table alone.
    stdio: ['ignore', 2, 2, 'ipc'],
  });
}

/** The next IPC message from `child` that `accept` takes; rejects if the child exits first. */
export function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => message is T,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no message from child ${child.pid} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown) => {
      if (accept(message)) finish(undefined, message);
    };
    const onExit = (code: number | null) => finish(new Error(`child ${child.pid} exited (code ${code})`));
    function finish(error?: Error, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Type guard for `{ type: name, ... }` IPC messages. */
export function isMessage<T extends { type: string }>(type: T['type']) {
  return (message: unknown): message is T =>
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}
