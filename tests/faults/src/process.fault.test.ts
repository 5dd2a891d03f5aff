import { describe, expect, it } from 'vitest';
import { killAuthBetweenCommitAndRedisWrite, restartService } from './faults/processes.ts';
import { problems } from './harness/scenario.ts';
import { useFleet } from './harness/suite.ts';

const suite = useFleet('process');

describe('process faults, with clients verifying and logging out throughout', () => {
  it('notes and activity crash (SIGKILL) together and restart mid-stream', async () => {
    const result = await suite.run('services restarted', async ({ fleet, injected }) => {
      // Both at once: each crashes while the other is still starting up.
      await Promise.all(
        (['notes', 'activity'] as const).map(async (name) => {
          await restartService(fleet, name);
          injected(`restart-${name}`);
        }),
      );
    });
    expect(result.revocations).toBeGreaterThan(0);
    expect(problems(result)).toEqual([]);
  });

  it('the auth app crashes (SIGKILL) mid-stream and restarts: logouts cut off by the crash that committed are delivered', async () => {
    const result = await suite.run('auth restarted', async ({ fleet, injected }) => {
      await restartService(fleet, 'auth');
      injected('restart-auth');
    });
    // Includes the logouts the crash cut off after their commit: the restarted relay delivered them.
    expect(problems(result)).toEqual([]);
  });

  it('the auth app killed between the Postgres commit and the Redis write: the restarted relay delivers the outbox', async () => {
    let outcome: Awaited<ReturnType<typeof killAuthBetweenCommitAndRedisWrite>> | undefined;
    const result = await suite.run('auth killed after commit', async ({ fleet, workload, injected }) => {
      outcome = await killAuthBetweenCommitAndRedisWrite(fleet, workload, workload.live.slice(0, 3));
      injected('kill-auth-after-commit');
    });
    expect(problems(result)).toEqual([]);
    const inDoubt = outcome!.committed.filter((token) => !outcome!.acknowledged.includes(token));
    console.log(
      `[fault] auth killed after commit: ${outcome!.committed.length} logouts committed, ${inDoubt.length} of them unanswered (cut off by the kill), ${outcome!.missingFromRedis.length} not in Redis until the restarted relay delivered them`,
    );
    // The point of the scenario: logouts committed, never answered, never written to Redis by the
    // process that committed them, and still in force everywhere once the restarted relay ran.
    expect(inDoubt.length).toBeGreaterThan(0);
    expect(outcome!.missingFromRedis).toEqual(outcome!.committed);
    const swept = result.inDoubt.filter((entry) => inDoubt.includes(entry.token));
    expect(swept.every((entry) => entry.committed && Object.keys(entry.verdicts).length === 3)).toBe(true);
  });
});
