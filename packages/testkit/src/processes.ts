import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo's root, from this file. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** How much of a process's output a failure message quotes: the end, where the error is. */
const TAIL_CHARS = 4000;

export interface ManagedProcessOptions {
  cwd: string;
  /** The child's whole environment (start from `process.env` to inherit). */
  env: NodeJS.ProcessEnv;
  /** Where its output goes (default a list of its own): a restarted service keeps one list. */
  output?: string[];
}

/**
 * A child process whose output is kept for failure messages. A test run that crashes must not leave
 * it behind: it is killed when this process exits.
 */
export class ManagedProcess {
  readonly name: string;
  readonly output: string[];
  readonly #child: ChildProcess;
  readonly #exited: Promise<unknown>;
  readonly #killOnExit = () => this.#child.kill('SIGKILL');

  constructor(name: string, command: string, args: string[], options: ManagedProcessOptions) {
    this.name = name;
    this.output = options.output ?? [];
    this.#child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#exited = once(this.#child, 'exit').finally(() => process.off('exit', this.#killOnExit));
    process.once('exit', this.#killOnExit);
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
    }
  }

  /** The child's process id (for a Node child, memory can be read from `/proc/<pid>`). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** The end of everything it printed. */
  tail(): string {
    return this.output.join('').slice(-TAIL_CHARS);
  }

  /** Polls `url` until it answers 200; fails with the process's output otherwise (or once it exits). */
  async waitFor(url: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.exited) {
      const ok = await fetch(url)
        .then((response) => response.status === 200)
        .catch(() => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} did not answer 200 at ${url}:\n${this.tail()}`);
  }

  /** Waits until its output matches `pattern` (e.g. a readiness log line); resolves to the match. */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.output.join(''));
        if (match) finish(() => resolve(match));
      };
      const onExit = (code: number | null) =>
        finish(() =>
          reject(new Error(`${this.name} exited with ${code} before it was ready:\n${this.tail()}`)),
        );
      const timer = setTimeout(
        () => finish(() => reject(new Error(`${this.name} not ready in ${timeoutMs} ms:\n${this.tail()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        for (const stream of [this.#child.stdout, this.#child.stderr]) stream?.off('data', check);
        this.#child.off('exit', onExit);
        settle();
      };
      for (const stream of [this.#child.stdout, this.#child.stderr]) stream?.on('data', check);
      this.#child.once('exit', onExit);
      if (this.exited) onExit(this.#child.exitCode);
      else check();
    });
  }

  /** SIGTERM (a graceful stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** SIGKILL: a crash, no graceful shutdown. */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.#child.kill('SIGKILL');
    await this.#exited;
  }
}

/** Runs `apps/<name>` as `pnpm start` does: `src/index.ts` through tsx's loader, in one Node process. */
export function startApp(name: string, env: Record<string, string>, output?: string[]): ManagedProcess {
  return new ManagedProcess(name, process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: join(ROOT, 'apps', name),
    env: { ...process.env, ...env },
    ...(output ? { output } : {}),
  });
}

/** One app (`apps/<name>`) as its own process on a known URL, that can be stopped and started again. */
export class ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly #env: Record<string, string>;
  #process: ManagedProcess | undefined;
  /** Everything it printed, across restarts, for the failure message when it does not become ready. */
  readonly output: string[] = [];

  constructor(options: { name: string; url: string; env: Record<string, string> }) {
    this.name = options.name;
    this.url = options.url;
    this.#env = options.env;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** Spawns it and waits for `/readyz`. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.#process = startApp(this.name, this.#env, this.output);
    await this.waitReady(timeoutMs);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const running = this.#process;
    if (!running) throw new Error(`${this.name} was never started`);
    await running.waitFor(`${this.url}/readyz`, timeoutMs);
  }

  /** SIGKILL: a crash, no graceful shutdown. */
  async kill(): Promise<void> {
    await this.#process?.kill();
  }

  /** SIGTERM: a graceful stop. */
  async stop(): Promise<void> {
    await this.#process?.stop();
  }
}
