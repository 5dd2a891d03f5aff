import { revocationKeys } from '@revoke/auth/writer';
import type { Fleet, ServiceName } from '../harness/fleet.ts';
import type { Workload } from '../harness/workload.ts';
import { redisCli } from './redis.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A crash and a restart: SIGKILL, then start again and wait for `/readyz` (its feed's first snapshot). */
export async function restartService(fleet: Fleet, name: ServiceName): Promise<void> {
  await fleet.restart(name);
}

/** The `jti` claim of an access token (its payload, not verified: the test minted nothing). */
export function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
    jti: string;
  };
  return payload.jti;
}

/** Polls `condition` every 10 ms until it holds; false when `timeoutMs` passed first. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(10);
  }
  return false;
}

export interface CommitKillOutcome {
  /** Tokens whose logout committed in Postgres before the auth app was killed. */
  committed: string[];
  /** Of those, the ones whose logout was nevertheless answered 200 (the kill came too late). */
  acknowledged: string[];
  /** Of those, the ones Redis did not hold once the writes resumed, before the auth app restarted: only the outbox can deliver them. */
  missingFromRedis: string[];
}

/**
 * The auth app killed between the Postgres commit and the Redis write. Redis pauses writes
 * (`CLIENT PAUSE WRITE`: the relay's script waits inside Redis, and is dropped with its connection);
 * `tokens` are logged out; as soon as their revocations have committed, and before the logout's
 * bounded publish wait could answer, the auth app is SIGKILLed. Writes resume, and the auth app is
 * started again: its relay must deliver the outbox rows, so those logouts (answered with a reset, not
 * a 200) end up revoked everywhere. A SIGSTOP would not do: a write already in a frozen server's
 * socket still runs after SIGCONT, though its sender is dead.
 */
export async function killAuthBetweenCommitAndRedisWrite(
  fleet: Fleet,
  workload: Workload,
  tokens: string[],
): Promise<CommitKillOutcome> {
  // Long enough to cover the kill; lifted explicitly right after it.
  await redisCli(fleet.redis, 'CLIENT', 'PAUSE', '10000', 'WRITE');
  let logouts: Promise<boolean[]> | undefined;
  try {
    logouts = Promise.all(tokens.map((token) => workload.logOut(token)));
    const jtis = tokens.map(jtiOf);
    await waitFor(
      async () => (await Promise.all(jtis.map((jti) => fleet.committed(jti)))).every(Boolean),
      5_000,
    );
    await fleet.services.auth.kill();
  } finally {
    await redisCli(fleet.redis, 'CLIENT', 'UNPAUSE');
  }
  const acked = await logouts;
  const keys = revocationKeys(fleet.prefix);
  const committed: string[] = [];
  const missingFromRedis: string[] = [];
  for (const token of tokens) {
    if (!(await fleet.committed(jtiOf(token)))) continue;
    committed.push(token);
    if ((await redisCli(fleet.redis, 'EXISTS', keys.entry('jti', jtiOf(token)))) === '0')
      missingFromRedis.push(token);
  }
  await fleet.services.auth.start(120_000);
  return { committed, acknowledged: tokens.filter((_, i) => acked[i]), missingFromRedis };
}
