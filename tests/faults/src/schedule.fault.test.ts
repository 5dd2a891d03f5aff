import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeFault, type Fault, inject } from './faults/catalog.ts';
import { problems, runScenario } from './harness/scenario.ts';
import { useFleet } from './harness/suite.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const suite = useFleet('schedule');

/** Held faults last from under S to well past it (a pause or freeze of S + 2 s makes services fail closed). */
const held = fc.integer({ min: 500, max: 5000 });
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant({ kind: 'kill-subscribers' } as const),
  fc.constant({ kind: 'stream-trimmed' } as const),
  fc.constant({ kind: 'epoch-change-on-resume' } as const),
  fc.constant({ kind: 'kill-normal-clients' } as const),
  fc.constant({ kind: 'redis-restart-empty' } as const),
  fc.constant({ kind: 'flushall' } as const),
  fc.record({ kind: fc.constant('client-pause' as const), ms: held }),
  fc.record({ kind: fc.constant('client-pause-write' as const), ms: held }),
  fc.record({ kind: fc.constant('redis-freeze' as const), ms: held }),
  fc.record({ kind: fc.constant('pubsub-overflow' as const), ms: fc.integer({ min: 500, max: 3000 }) }),
  fc.constant({ kind: 'restart-notes' } as const),
  fc.constant({ kind: 'restart-activity' } as const),
);
/** 2 to 4 faults, each after a pause short enough that the next one hits while the system still recovers. */
const schedule = fc.array(fc.record({ delayMs: fc.integer({ min: 0, max: 1500 }), fault }), {
  minLength: 2,
  maxLength: 4,
});

describe('generated fault schedules', () => {
  it('no schedule of 2-4 faults breaks an invariant (fast-check, shrinking on failure)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(schedule, async (steps) => {
        run++;
        const result = await runScenario({
          name: `schedule ${run}: ${steps.map((step) => `+${step.delayMs}ms ${describeFault(step.fault)}`).join(', ')}`,
          fleet: suite.fleet,
          counter: suite.counter,
          warmupMs: 1000,
          faults: async ({ fleet, injected }) => {
            for (const step of steps) {
              await sleep(step.delayMs);
              await inject(fleet, step.fault);
              injected(step.fault.kind);
            }
          },
        });
        expect(problems(result)).toEqual([]);
      }),
      {
        numRuns: Number(process.env.FAULT_SCHEDULE_RUNS ?? 3),
        // Each run costs seconds: bound the search (and any shrinking) rather than the test's timeout.
        interruptAfterTimeLimit: 200_000,
        markInterruptAsFailure: false,
        ...(process.env.FAULT_SEED ? { seed: Number(process.env.FAULT_SEED) } : {}),
      },
    );
  });
});
