import type { Fleet, ServiceName } from '../harness/fleet.ts';
import type { Workload } from '../harness/workload.ts';

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
}

/**
 * The auth app killed between the Postgres commit and the Redis write: Redis is frozen so the relay
 * cannot write; `tokens` are logged out; as soon as their revocations have committed (and before the
 * logout's bounded publish wait answers), the auth app is SIGKILLed. Redis is thawed and the auth app
 * started again: its relay must deliver the outbox rows, so those logouts (answered with a reset, not
 * a 200) end up revoked everywhere.
 */
export async function killAuthBetweenCommitAndRedisWrite(
  fleet: Fleet,
  workload: Workload,
  tokens: string[],
): Promise<CommitKillOutcome> {
  fleet.redis.freeze();
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
    fleet.redis.thaw();
  }
  const acked = await logouts;
  const committed: string[] = [];
  for (const token of tokens) if (await fleet.committed(jtiOf(token))) committed.push(token);
  await fleet.services.auth.start(120_000);
  return { committed, acknowledged: tokens.filter((_, i) => acked[i]) };
}
