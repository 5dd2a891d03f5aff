// Our logout as a target of the `logout` workload: the auth app's real entry point in its own process
// (with --cpu-prof), on a database of its own, reached over HTTP through tRPC like any client would.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@revoke/testkit/ports';
import { benchFile, forkTs, stopChild } from '../children.ts';
import { atConcurrency, type LogoutTarget, post } from './logout-load.ts';

const USERS = 8;
/** Logins are untimed and slow on purpose (argon2): a few at a time keep the machine responsive. */
const LOGIN_CONCURRENCY = 4;
const PASSWORD = 'correct horse battery staple';

export interface OursOptions {
  databaseUrl: string;
  databaseName: string;
  redisUrl: string;
  prefix: string;
  /** Where the auth app writes its CPU profile when it exits. */
  profileDir: string;
}

/** Our auth app, ready, with its users registered; `profile()` is the profile file once stopped. */
export async function startOurs(
  options: OursOptions,
): Promise<LogoutTarget & { profile(): string | undefined }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = forkTs(benchFile('../../apps/auth/src/index.ts'), {
    cwd: benchFile('../../apps/auth/'),
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', options.profileDir],
    env: {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      AUTH_PORT: String(port),
      REVOCATION_PREFIX: options.prefix,
      LOG_LEVEL: 'warn',
      // The bench logs in and out thousands of times from one address as a few users.
      LOGIN_MAX_PER_IP: '1000000',
      LOGIN_MAX_FAILURES: '10000',
      REGISTER_MAX_PER_IP: '1000000',
      REVOKE_MAX_PER_USER: '1000000',
    },
  });
  const stop = () => stopChild(app, 10_000);
  try {
    await waitReady(url, () => app.exitCode !== null);
    const users = Array.from({ length: USERS }, (_, i) => ({
      email: `bench-${i}-${Date.now()}@example.com`,
      password: PASSWORD,
    }));
    for (const user of users) await call(url, 'auth.register', user);
    return {
      pid: app.pid!,
      database: options.databaseName,
      async tokens(count) {
        const tokens: string[] = [];
        await atConcurrency(count, LOGIN_CONCURRENCY, async (i) => {
          const body = (await call(url, 'auth.login', users[i % USERS])) as LoginAnswer;
          tokens.push(body.result.data.accessToken);
        });
        return tokens;
      },
      async logout(token) {
        await call(url, 'auth.logout', undefined, { authorization: `Bearer ${token}` });
      },
      stop,
      profile: () => {
        const file = readdirSync(options.profileDir).find((name) => name.endsWith('.cpuprofile'));
        return file && join(options.profileDir, file);
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface LoginAnswer {
  result: { data: { accessToken: string } };
}

/** POSTs a tRPC mutation; throws unless it answered 200. */
async function call(
  url: string,
  path: string,
  input?: unknown,
  headers: Record<string, string> = {},
): Promise<unknown> {
  return JSON.parse(
    await post(`${url}/trpc/${path}`, headers, input === undefined ? undefined : JSON.stringify(input)),
  );
}

async function waitReady(url: string, exited: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (exited()) throw new Error('the auth app exited before it was ready (its output is above)');
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the auth app at ${url} did not become ready within 30 s`);
}
