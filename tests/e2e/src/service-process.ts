import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The monorepo's root, from this file (shared with tests/security through the exports map). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One app (`apps/<name>`) running as its own process, as `pnpm start` runs it. */
export class ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly #env: Record<string, string>;
  #child: ChildProcess | undefined;
  /** Everything it printed, for the failure message when it does not become ready. */
  readonly output: string[] = [];

  constructor(options: { name: string; url: string; env: Record<string, string> }) {
    this.name = options.name;
    this.url = options.url;
    this.#env = options.env;
  }

  /** The running child's process id (the Node process itself: memory can be read from `/proc/<pid>`). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns it (TypeScript through tsx's loader, in one process) and waits for `/readyz`. */
  async start(timeoutMs = 60_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: `${ROOT}apps/${this.name}`,
      env: { ...process.env, ...this.#env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (chunk: string) => this.output.push(chunk));
    }
    await this.waitReady(timeoutMs);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child?.exitCode !== null && this.#child?.exitCode !== undefined) break;
      const ready = await fetch(`${this.url}/readyz`)
        .then((response) => response.status === 200)
        .catch(() => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} did not become ready:\n${this.output.join('').slice(-4000)}`);
  }

  /** SIGKILL: a crash, no graceful shutdown. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** SIGTERM: a graceful stop. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}

/**
 * `count` distinct free loopback ports: every listener stays open until all are bound, so the kernel
 * cannot hand the same port out twice (asking for one free port at a time can).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer().listen(0, '127.0.0.1'));
  await Promise.all(servers.map((server) => once(server, 'listening')));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => once(server.close(), 'close')));
  return ports;
}
