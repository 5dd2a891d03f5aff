import { afterAll, beforeAll } from 'vitest';
import { FaultCounter } from '../faults/counter.ts';
import { type Fleet, type FleetOptions, startFleet } from './fleet.ts';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './scenario.ts';

/** A test file's fleet (started once before its tests) and its fault counter (saved after them). */
export interface FaultSuite {
  readonly fleet: Fleet;
  readonly counter: FaultCounter;
  /** Runs a scenario on this file's fleet, counting its faults in this file's counter. */
  run(name: string, faults: ScenarioOptions['faults']): Promise<ScenarioResult>;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start a fleet for the file and, at the end, save the
 * file's fault counts as `.results/faults/<name>.json` and stop the fleet. `options` may be computed
 * in `beforeAll` (e.g. once a private Postgres is up).
 */
export function useFleet(
  name: string,
  options: () => FleetOptions | Promise<FleetOptions> = () => ({}),
): FaultSuite {
  let fleet: Fleet | undefined;
  const counter = new FaultCounter();
  beforeAll(async () => {
    fleet = await startFleet(await options());
  });
  afterAll(async () => {
    counter.save(name);
    await fleet?.close();
  });
  const suite: FaultSuite = {
    get fleet() {
      if (!fleet) throw new Error('the fleet is not started yet (use it inside a test)');
      return fleet;
    },
    counter,
    run: (scenario, faults) => runScenario({ name: scenario, fleet: suite.fleet, counter, faults }),
  };
  return suite;
}
