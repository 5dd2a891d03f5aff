import { afterAll, describe, expect, it } from 'vitest';
import { rawLogout, startPostgres, stopPostgres } from './faults/postgres.ts';
import { type PrivatePostgres, startPrivatePostgres } from './harness/private-postgres.ts';
import { problems, runScenario } from './harness/scenario.ts';
import { useFleet } from './harness/suite.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let postgres: PrivatePostgres | undefined;
// The auth app alone runs on a private Postgres that the test stops; notes and activity keep the shared one.
const suite = useFleet('postgres', async () => {
  postgres = await startPrivatePostgres();
  return { authDatabaseUrl: postgres.url };
});
afterAll(async () => {
  await postgres?.destroy();
});

describe('Postgres faults', () => {
  it('Postgres down during logout: logouts fail cleanly, nothing acknowledged is lost, logouts work again after', async () => {
    const refused: Awaited<ReturnType<typeof rawLogout>>[] = [];
    let recoveredAfterMs = 0;
    const result = await runScenario({
      name: 'postgres down',
      fleet: suite.fleet,
      counter: suite.counter,
      faults: async ({ fleet, workload, injected }) => {
        await stopPostgres(postgres!);
        injected('postgres-down');
        try {
          // The workload's own logouts keep failing meanwhile; these are looked at closely.
          for (const token of workload.live.slice(-3)) {
            refused.push(await rawLogout(fleet.authUrl, token));
            await sleep(500);
          }
        } finally {
          await startPostgres(postgres!);
        }
        // The pool reconnects by itself: logouts are acknowledged again (the workload goes on too).
        const started = performance.now();
        const token = workload.live.at(-4)!;
        while (!(await workload.logOut(token)) && performance.now() - started < 30_000) {
          workload.live.push(token);
          await sleep(250);
        }
        recoveredAfterMs = performance.now() - started;
      },
    });
    console.log(
      `[fault] postgres down: logouts refused with ${refused.map((r) => `${r.status} ${String(r.code)} in ${r.ms.toFixed(0)} ms`).join(', ')}; acknowledged again ${recoveredAfterMs.toFixed(0)} ms after Postgres returned`,
    );
    expect(problems(result)).toEqual([]);
    // Fails cleanly: 503 "try again" (the client did nothing wrong), no hang, no stack trace, and
    // nothing acknowledged.
    for (const answer of refused) {
      expect(answer.status).toBe(503);
      expect(answer.code).toBe('SERVICE_UNAVAILABLE');
      expect(answer.stack).toBe(false);
      expect(answer.ms).toBeLessThan(15_000);
    }
    expect(recoveredAfterMs).toBeLessThan(30_000);
    expect(result.revocations).toBeGreaterThan(0);
  });
});
