import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

/** Polls `url` until it answers 200; rejects after `timeoutMs`, or as soon as `gaveUp` resolves. */
export async function waitFor200(
  url: string,
  { timeoutMs, gaveUp }: { timeoutMs: number; gaveUp?: Promise<unknown> },
): Promise<void> {
  let over = false;
  void gaveUp?.then(() => {
    over = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!over && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(over ? `the process serving ${url} exited` : `${url} not 200 after ${timeoutMs} ms`);
}

/**
 * Ids of live processes whose environment holds `variable=value`: everything a test started with
 * a unique value, however deep in the tree (pnpm → sh → tsx → node). Not redis-server: it writes
 * its process title over its environment. Linux only (/proc); elsewhere, none.
 */
export function processesWithEnv(variable: string, value: string): number[] {
  const needle = `${variable}=${value}\0`;
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** SIGKILLs every process {@link processesWithEnv} finds; returns how many there were. */
export function killProcessesWithEnv(variable: string, value: string): number {
  const pids = processesWithEnv(variable, value);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return pids.length;
}

/** Asks whatever Redis listens on 127.0.0.1:`port` to exit at once, without saving; ignores silence. */
export function shutdownRedis(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(1000, done);
    socket.once('error', done);
    socket.once('close', done);
    socket.once('connect', () => socket.write('*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n'));
  });
}
