import { describe, expect, it } from 'vitest';
import {
  jtiOf as jtiOfToken,
  killAuthBetweenCommitAndRedisWrite,
  restartService,
} from './faults/processes.ts';
import { runScenario, type ScenarioResult } from './harness/scenario.ts';
import { useFleet } from './harness/suite.ts';

const suite = useFleet('process');

/** Every in-doubt token whose revocation committed must, after healing, be refused as revoked everywhere. */
function expectCommittedRevokedEverywhere(result: ScenarioResult, committed: ReadonlySet<string>) {
  const notRevoked = result.inDoubt
    .filter((entry) => committed.has(entry.token))
    .flatMap((entry) =>
      Object.entries(entry.verdicts)
        .filter(([, verdict]) => verdict !== 'revoked')
        .map(([service, verdict]) => `${service} answered ${verdict} for …${entry.token.slice(-12)}`),
    );
  expect(notRevoked).toEqual([]);
}

describe('process faults, with clients verifying and logging out throughout', () => {
  it('notes and activity each crash (SIGKILL) and restart mid-stream', async () => {
    const result = await runScenario({
      name: 'services restarted',
      fleet: suite.fleet,
      counter: suite.counter,
      faults: async ({ fleet, injected }) => {
        for (const name of ['notes', 'activity'] as const) {
          await restartService(fleet, name);
          injected(`restart-${name}`);
        }
      },
    });
    expect(result.revocations).toBeGreaterThan(0);
    expect(result.explanations).toEqual([]);
  });

  it('the auth app crashes (SIGKILL) mid-stream and restarts: logouts cut off by the crash that committed are delivered', async () => {
    const committed = new Set<string>();
    const result = await runScenario({
      name: 'auth restarted',
      fleet: suite.fleet,
      counter: suite.counter,
      faults: async ({ fleet, workload, injected }) => {
        await restartService(fleet, 'auth');
        injected('restart-auth');
        for (const token of workload.inDoubt)
          if (await fleet.committed(jtiOfToken(token))) committed.add(token);
      },
    });
    expect(result.explanations).toEqual([]);
    expectCommittedRevokedEverywhere(result, committed);
  });

  it('the auth app killed between the Postgres commit and the Redis write: the restarted relay delivers the outbox', async () => {
    let outcome: Awaited<ReturnType<typeof killAuthBetweenCommitAndRedisWrite>> | undefined;
    const result = await runScenario({
      name: 'auth killed after commit',
      fleet: suite.fleet,
      counter: suite.counter,
      faults: async ({ fleet, workload, injected }) => {
        outcome = await killAuthBetweenCommitAndRedisWrite(fleet, workload, workload.live.slice(0, 3));
        injected('kill-auth-after-commit');
      },
    });
    expect(result.explanations).toEqual([]);
    const inDoubt = outcome!.committed.filter((token) => !outcome!.acknowledged.includes(token));
    console.log(
      `[fault] auth killed after commit: ${outcome!.committed.length} logouts committed, ${inDoubt.length} of them unanswered (cut off by the kill), ${outcome!.missingFromRedis.length} not in Redis until the restarted relay delivered them`,
    );
    // The point of the scenario: logouts committed, never answered, never written to Redis by the
    // process that committed them, and still in force everywhere once the restarted relay ran.
    expect(inDoubt.length).toBeGreaterThan(0);
    expect(outcome!.missingFromRedis).toEqual(outcome!.committed);
    expectCommittedRevokedEverywhere(result, new Set(inDoubt));
  });
});
