import { describe, expect, it } from 'vitest';
import { describeViolation } from './history.ts';
import { soakOptions } from './soak/options.ts';
import { formatReport, REPORT_PATH, writeReport } from './soak/report.ts';
import { runSoak } from './soak/soak.ts';
import { SERVICE_NAMES } from './soak/stack.ts';

// The short form (about 50 s of load) runs inside `pnpm test`; `pnpm test:soak` sets SOAK_FORM=long.
const options = soakOptions(process.env.SOAK_FORM === 'long' ? 'long' : 'short');
// Stack start, argon2 logins of the initial sessions (~40/s on a loaded 2-core machine), the sweep.
const timeoutMs = (options.durationSec + (options.users * (options.devicesPerUser + 1)) / 20 + 240) * 1000;

describe(`soak (${options.form} form)`, () => {
  it(
    'sustained logins, requests and logouts across auth, notes and activity with faults: nothing acknowledged is lost',
    async () => {
      const report = await runSoak(options, (line) => console.log(line));
      await writeReport(report);
      console.log(`${formatReport(report)}\n(written to ${REPORT_PATH})`);

      expect(report.violationSamples.map(describeViolation)).toEqual([]);
      expect(report.violations).toBe(0);
      // The run exercised what it claims: revocations, every service, every kind of fault.
      expect(report.revocations.acknowledged).toBeGreaterThan(0);
      for (const name of SERVICE_NAMES) expect(report.requests.byService[name]?.accepted).toBeGreaterThan(0);
      // The first fault (subscribers killed) always fits; how many more do depends on how long the
      // restarts take on a loaded machine, so the rest are reported, not required.
      if (options.durationSec >= options.warmupSec + 3 * options.faultEverySec)
        expect(report.faults.byKind['pubsub-kill']).toBeGreaterThan(0);
      // No growth beyond the live set: no cache holds more than Redis's index of live revocations, and
      // each service process that ran the whole soak stays within the memory bound.
      const { cacheEntries, redisIndexEntries } = report.memory;
      for (const name of SERVICE_NAMES) {
        if (cacheEntries.end[name] !== undefined && redisIndexEntries.end !== undefined)
          expect(cacheEntries.end[name], `${name} cache entries`).toBeLessThanOrEqual(redisIndexEntries.end);
        const memory = report.memory.processes[name];
        if (memory.sameProcess && memory.growthMb !== undefined)
          expect(memory.growthMb, `${name} RSS growth (MB)`).toBeLessThan(options.maxRssGrowthMb);
      }
    },
    timeoutMs,
  );
});
