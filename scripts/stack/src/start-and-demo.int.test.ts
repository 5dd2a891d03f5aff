import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, isPortFree } from './ports.ts';
import { findExecutable } from './redis.ts';
import { killProcessesWithEnv, processesWithEnv, shutdownRedis } from './testing/processes.ts';

// The README's quick start as a new user runs it: `pnpm start` from the root with no database
// configured (embedded PGlite, fresh data dirs) and, when redis-server is installed, no Redis either
// (the stack starts its own), then `pnpm demo` in another shell. Ports, data dirs and the Redis
// namespace are this test's own, so a stack a developer runs on 4000-4002 is never touched.
const root = join(import.meta.dirname, '../../..');
const tag = `test:stack:${randomBytes(4).toString('hex')}:`;
const temp = await mkdtemp(join(tmpdir(), 'revoke-stack-'));
const ports = { auth: 0, notes: 0, activity: 0, redis: 0 };
let env: NodeJS.ProcessEnv = {};
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}
let stack: { child: ChildProcess; output: () => string; exited: Promise<Exit> } | undefined;

/**
 * Runs a root script the way a user types it, in its own process group (so Ctrl-C can be simulated).
 * With `terminal`, under a pseudo-terminal (`script`): typing `\x03` on its stdin is a real Ctrl-C,
 * which the terminal turns into SIGINT for its whole foreground group, pnpm included. `script` runs
 * the command through `$SHELL -c`; `exec` takes that shell out of the group, as an interactive shell
 * is out of its job's group (dash, CI's shell, stays and exits 130 on the SIGINT, whatever pnpm did).
 */
function runScript(script: string, options: { terminal?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const [command, args] = options.terminal
    ? ['script', ['--quiet', '--flush', '--return', '--command', `exec pnpm ${script}`, '/dev/null']]
    : ['pnpm', [script]];
  const child = spawn(command as string, args as string[], {
    cwd: root,
    env: options.env ?? env,
    detached: true,
    stdio: [options.terminal ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitForOutput(run: NonNullable<typeof stack>, text: RegExp, timeoutMs: number): Promise<void> {
  let gone = false;
  void run.exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!text.test(run.output())) {
    if (gone) throw new Error(`pnpm start exited before ${text}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${text} after ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const names = Object.keys(ports) as (keyof typeof ports)[];
  const distinct = await freePorts(names.length);
  for (const [i, name] of names.entries()) ports[name] = distinct[i]!;
  const { STACK_APPS: _apps, DATABASE_URL: _database, ...inherited } = process.env;
  env = {
    ...inherited,
    DATABASE_URL: '',
    AUTH_DATA_DIR: join(temp, 'auth'),
    NOTES_DATA_DIR: join(temp, 'notes'),
    ACTIVITY_DATA_DIR: join(temp, 'activity'),
    AUTH_PORT: String(ports.auth),
    NOTES_PORT: String(ports.notes),
    ACTIVITY_PORT: String(ports.activity),
    AUTH_URL: `http://127.0.0.1:${ports.auth}`,
    NOTES_URL: `http://127.0.0.1:${ports.notes}`,
    ACTIVITY_URL: `http://127.0.0.1:${ports.activity}`,
    // Nothing listens there: the stack starts a private redis-server, as for a user without Redis.
    REDIS_URL: findExecutable('redis-server')
      ? `redis://127.0.0.1:${ports.redis}`
      : (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    REVOCATION_PREFIX: tag,
    NO_COLOR: '1',
  };
});

afterAll(async () => {
  // Whatever happened above: nothing this test started outlives it.
  if (stack && stack.child.exitCode === null) {
    try {
      process.kill(-(stack.child.pid ?? 0), 'SIGKILL');
    } catch {}
  }
  killProcessesWithEnv('REVOCATION_PREFIX', tag);
  // The private redis-server outlives a killed stack (its own process group, by design) and
  // cannot be found by its environment.
  if (env.REDIS_URL?.endsWith(`:${ports.redis}`)) await shutdownRedis(ports.redis);
  await rm(temp, { recursive: true, force: true });
});

describe('pnpm start, then pnpm demo', () => {
  it('starts auth, notes and activity, passes the demo against them, and stops everything on Ctrl-C', async () => {
    stack = runScript('start');
    await waitForOutput(stack, /^\[stack\]\s+ready in/m, 180_000);
    const started = stack.output();
    for (const [name, port] of [
      ['auth', ports.auth],
      ['notes', ports.notes],
      ['activity', ports.activity],
    ] as const) {
      expect(started).toMatch(new RegExp(`\\[stack\\]\\s+${name}\\s+http://127\\.0\\.0\\.1:${port}`));
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    }
    if (env.REDIS_URL?.endsWith(`:${ports.redis}`)) {
      expect(started).toContain(`started a private redis-server at redis://127.0.0.1:${ports.redis}`);
    }
    // pino's JSON became readable, prefixed lines.
    expect(started).toMatch(/^\[auth\]\s+\d\d:\d\d:\d\d\.\d{3} INFO {2}auth: ready /m);

    const demo = runScript('demo');
    const demoExit = await demo.exited;
    const report = demo.output();
    expect(report, report).toMatch(/All \d+ checks passed\./);
    expect(demoExit).toEqual({ code: 0, signal: null });
    expect(report).not.toContain('Nothing answers yet');
    const revoked = report.match(/→ 401 TOKEN_REVOKED "Token revoked \(logged out\)"/g) ?? [];
    expect(revoked.length).toBeGreaterThanOrEqual(7);
    expect(report).toMatch(/notes\.list → 401 .*\([\d.]+ ms after the logout response/);
    expect(report).toMatch(/activity\.list → 401 .*\([\d.]+ ms after the logout response/);
    expect(report).toMatch(/device B: notes\.list → 401 .*\([\d.]+ ms after the logoutAll response/);
    expect(report).toMatch(/device B: activity\.list → 401 .*\([\d.]+ ms after the logoutAll response/);
    expect(report).toMatch(/device B: notes\.list → 401 .*\([\d.]+ ms after the changePassword response/);
    expect(report).toMatch(/device B: activity\.list → 401 .*\([\d.]+ ms after the changePassword response/);
    // The requests went to this test's stack, which logged them.
    expect(stack.output()).toMatch(/^\[notes\]\s+.*GET \/trpc\/notes\.list → 401/m);

    // Ctrl-C: the terminal signals the whole foreground group.
    process.kill(-(stack.child.pid ?? 0), 'SIGINT');
    // pnpm got the SIGINT too: it waits for its script, then may end by that signal (code null).
    const exit = await stack.exited;
    expect(exit.code === 0 || exit.signal === 'SIGINT', JSON.stringify(exit)).toBe(true);
    expect(stack.output()).toMatch(/^\[stack\]\s+stopped/m);
    expect(stack.output()).toMatch(/^\[notes\]\s+.*notes: shutting down signal=SIGTERM/m);
    for (const port of [ports.auth, ports.notes, ports.activity]) expect(await isPortFree(port)).toBe(true);
    if (env.REDIS_URL?.endsWith(`:${ports.redis}`)) expect(await isPortFree(ports.redis)).toBe(true);
    expect(processesWithEnv('REVOCATION_PREFIX', tag)).toEqual([]);
  });
});

describe('Ctrl-C on pnpm start in a terminal', () => {
  it('stops the stack and exits 0, with no "Command failed" from pnpm', async () => {
    // Auth alone is enough to see how pnpm and the launcher end, and starts in seconds.
    stack = runScript('start', { terminal: true, env: { ...env, STACK_APPS: 'auth' } });
    await waitForOutput(stack, /^\[stack\]\s+ready in/m, 180_000);
    stack.child.stdin?.write('\x03');
    const exit = await stack.exited;
    const output = stack.output();
    expect(exit, `exit ${JSON.stringify(exit)}\n${output}`).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/^\[stack\]\s+stopped/m);
    expect(output).not.toMatch(/Command failed|ELIFECYCLE/);
    expect(await isPortFree(ports.auth)).toBe(true);
  });
});
