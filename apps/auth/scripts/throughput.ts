// Measures logins/s and logouts/s of the auth app on this machine, over real HTTP, against a
// throwaway Postgres database and the shared Redis. Usage: pnpm --filter @revoke/auth-app throughput
import { newCredentials, startTestAuthApp } from '../src/testing/test-app.ts';

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const USERS = Number(process.env.USERS ?? 64);
const LOGINS = Number(process.env.LOGINS ?? 400);

/** Runs `total` calls of `task`, `CONCURRENCY` at a time; returns operations per second. */
async function rate(label: string, total: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await task(next++);
    }),
  );
  const perSecond = total / ((performance.now() - started) / 1000);
  console.log(
    `${label.padEnd(10)} ${total} in ${((performance.now() - started) / 1000).toFixed(2)} s: ${perSecond.toFixed(0)}/s`,
  );
  return perSecond;
}

const app = await startTestAuthApp({
  LOGIN_MAX_PER_IP: '1000000',
  LOGIN_MAX_FAILURES: '10000',
  REGISTER_MAX_PER_IP: '1000000',
  REVOKE_MAX_PER_USER: '1000000',
});
try {
  const users = Array.from({ length: USERS }, () => newCredentials('bench'));
  console.log(`auth app at ${app.url}; ${USERS} users, concurrency ${CONCURRENCY}`);
  await rate('register', USERS, async (i) => {
    const response = await app.mutate('auth.register', users[i]);
    if (response.status !== 200) throw new Error(response.text);
  });
  const tokens: string[] = [];
  await rate('login', LOGINS, async (i) => {
    const response = await app.mutate('auth.login', users[i % USERS]);
    if (response.status !== 200) throw new Error(response.text);
    tokens.push(response.body.result.data.accessToken);
  });
  await rate('logout', tokens.length, async (i) => {
    const response = await app.mutate('auth.logout', undefined, { authorization: `Bearer ${tokens[i]}` });
    if (response.status !== 200) throw new Error(response.text);
  });
} finally {
  await app.close();
}
