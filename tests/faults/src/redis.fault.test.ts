import { describe, expect, it } from 'vitest';
import {
  flushAll,
  freeze,
  killCommandClients,
  killSubscribers,
  overflowSubscribers,
  pauseClients,
  pauseWrites,
  restartEmpty,
} from './faults/redis.ts';
import { runScenario, type ScenarioContext } from './harness/scenario.ts';
import { useFleet } from './harness/suite.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const suite = useFleet('redis');

/** Runs the workload through `faults` and expects the three invariants to hold, printing violations if not. */
async function expectNoViolations(
  name: string,
  faults: (context: ScenarioContext) => Promise<void>,
  knownBug = false,
) {
  const result = await runScenario({ name, fleet: suite.fleet, counter: suite.counter, faults, knownBug });
  expect(result.revocations).toBeGreaterThan(0);
  expect(result.explanations).toEqual([]);
  return result;
}

describe('Redis faults, with clients verifying and logging out throughout', () => {
  it('subscriber connections killed, three times', async () => {
    await expectNoViolations('pubsub clients killed', async ({ fleet, injected }) => {
      for (let i = 0; i < 3; i++) {
        // One feed per process: auth, notes, activity.
        expect(await killSubscribers(fleet.redis)).toBeGreaterThanOrEqual(3);
        injected('kill-subscribers');
        await sleep(1000);
      }
    });
  });

  it("every normal client connection killed (feeds' command connections, the auth app's writer)", async () => {
    await expectNoViolations('normal clients killed', async ({ fleet, injected }) => {
      for (let i = 0; i < 3; i++) {
        expect(await killCommandClients(fleet.redis)).toBeGreaterThanOrEqual(4);
        injected('kill-normal-clients');
        await sleep(1000);
      }
    });
  });

  it('Redis restarted empty', async () => {
    await expectNoViolations('redis restarted empty', async ({ fleet, injected }) => {
      await restartEmpty(fleet.redis);
      injected('redis-restart-empty');
      await sleep(2000);
    });
  });

  it('FLUSHALL', async () => {
    await expectNoViolations('flushall', async ({ fleet, injected }) => {
      await flushAll(fleet.redis);
      injected('flushall');
      await sleep(2000);
    });
  });

  it('CLIENT PAUSE ALL for longer than S', async () => {
    const result = await expectNoViolations('client pause', async ({ fleet, injected }) => {
      injected('client-pause');
      await pauseClients(fleet.redis, fleet.staleAfterMs + 2000);
    });
    // Past S the services could not prove tokens live and failed closed, rather than trust a stale cache.
    expect(result.verdicts.unavailable).toBeGreaterThan(0);
  });

  /**
   * KNOWN PRODUCT BUG (reported with this reproduction; `it.fails` turns red once it is fixed, then make
   * it a plain `it`). While writes are paused, reads and PING still answer, so every feed stays fresh;
   * the auth app answers logout 200 after its 1 s publish wait although the revocation is only in
   * Postgres; every service then accepts the acknowledged-revoked token until the pause ends: up to
   * pause − 1 s after the acknowledgement, well past S.
   */
  it.fails('KNOWN BUG: CLIENT PAUSE WRITE for longer than S: acknowledged logouts are accepted past S', async () => {
    await expectNoViolations(
      'client pause write',
      async ({ fleet, injected }) => {
        injected('client-pause-write');
        await pauseWrites(fleet.redis, fleet.staleAfterMs + 3000);
      },
      true,
    );
  });

  it('redis-server frozen (SIGSTOP) for longer than S, then thawed', async () => {
    const result = await expectNoViolations('redis frozen', async ({ fleet, injected }) => {
      injected('redis-freeze');
      await freeze(fleet.redis, fleet.staleAfterMs + 2000);
    });
    expect(result.verdicts.unavailable).toBeGreaterThan(0);
  });

  it('pub/sub output buffers overflowing: subscribers dropped by Redis again and again', async () => {
    await expectNoViolations('pubsub overflow', async ({ fleet, injected }) => {
      injected('pubsub-overflow');
      // Redis itself dropped the feeds' subscriptions.
      expect(await overflowSubscribers(fleet.redis, `${fleet.prefix}events`, 3000)).toBeGreaterThanOrEqual(3);
    });
  });
});
