import type { ServiceName } from './stack.ts';

/** Everything that shapes a soak run. Every field can be set from the environment (see README). */
export interface SoakOptions {
  /** `short` runs inside `pnpm test`; `long` is `pnpm test:soak`. Only labels the report. */
  form: 'short' | 'long';
  /** Seconds of load, warm-up included (`SOAK_DURATION_SEC`). */
  durationSec: number;
  /** Seconds of load before the first memory sample and the first fault (`SOAK_WARMUP_SEC`). */
  warmupSec: number;
  /** Users registered before the load, and sessions (logins) each (`SOAK_USERS`, `SOAK_DEVICES`). */
  users: number;
  devicesPerUser: number;
  /** Authenticated requests per second across the three services, open loop (`SOAK_REQUEST_RATE`). */
  requestRate: number;
  /** New sessions per second during the load (`SOAK_LOGIN_RATE`); one in ten registers a new user. */
  loginRate: number;
  /** Single-session logouts per second (`SOAK_LOGOUT_RATE`). */
  logoutRate: number;
  /** "Log out everywhere" per second (`SOAK_LOGOUT_ALL_RATE`). */
  logoutAllRate: number;
  /** Seconds between two faults (`SOAK_FAULT_EVERY_SEC`). */
  faultEverySec: number;
  /**
   * Services the soak SIGKILLs and restarts in turn (`SOAK_RESTART`, comma-separated). notes is left out
   * by default: one process that runs the whole soak through every Redis fault is the witness that
   * memory does not grow beyond the live set.
   */
  restartable: ServiceName[];
  /** S, every service's `REVOCATION_STALE_AFTER_MS` and the checker's bound (`SOAK_STALE_AFTER_MS`). */
  staleAfterMs: number;
  /** Requests in flight at most; past it, new ones are shed and counted (`SOAK_MAX_IN_FLIGHT`). */
  maxInFlight: number;
  /** Seconds between two progress lines (`SOAK_PROGRESS_SEC`). */
  progressEverySec: number;
  /** Allowed RSS growth of each process between the two samples, MB (`SOAK_MAX_RSS_GROWTH_MB`). */
  maxRssGrowthMb: number;
}

const DEFAULTS: Record<SoakOptions['form'], Omit<SoakOptions, 'form'>> = {
  // Inside `pnpm test` on a 2-core CI machine: a few hundred sessions (argon2 logins cost ~10 ms of CPU
  // each), about 50 s of load, a fault every 4 s (a service restart itself takes 4–15 s there).
  short: {
    durationSec: 50,
    warmupSec: 5,
    users: 100,
    devicesPerUser: 3,
    requestRate: 100,
    loginRate: 4,
    logoutRate: 3,
    logoutAllRate: 0.4,
    faultEverySec: 4,
    restartable: ['activity', 'auth'],
    staleAfterMs: 3000,
    maxInFlight: 64,
    progressEverySec: 10,
    maxRssGrowthMb: 150,
  },
  long: {
    durationSec: 300,
    warmupSec: 10,
    users: 500,
    devicesPerUser: 4,
    requestRate: 200,
    loginRate: 6,
    logoutRate: 5,
    logoutAllRate: 0.5,
    faultEverySec: 10,
    restartable: ['activity', 'auth'],
    staleAfterMs: 3000,
    maxInFlight: 64,
    progressEverySec: 10,
    maxRssGrowthMb: 150,
  },
};

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}=${raw}: expected a number ≥ 0`);
  return value;
}

/** The options of `form`, each overridable by its `SOAK_*` variable. */
export function soakOptions(form: SoakOptions['form'], env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const d = DEFAULTS[form];
  const restart = env.SOAK_RESTART;
  const restartable =
    restart === undefined
      ? d.restartable
      : restart
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean)
          .map((name) => {
            if (name !== 'auth' && name !== 'notes' && name !== 'activity')
              throw new Error(`SOAK_RESTART: unknown service ${name}`);
            return name;
          });
  return {
    form,
    durationSec: numberFrom(env, 'SOAK_DURATION_SEC', d.durationSec),
    warmupSec: numberFrom(env, 'SOAK_WARMUP_SEC', d.warmupSec),
    users: Math.max(1, Math.round(numberFrom(env, 'SOAK_USERS', d.users))),
    devicesPerUser: Math.max(1, Math.round(numberFrom(env, 'SOAK_DEVICES', d.devicesPerUser))),
    requestRate: numberFrom(env, 'SOAK_REQUEST_RATE', d.requestRate),
    loginRate: numberFrom(env, 'SOAK_LOGIN_RATE', d.loginRate),
    logoutRate: numberFrom(env, 'SOAK_LOGOUT_RATE', d.logoutRate),
    logoutAllRate: numberFrom(env, 'SOAK_LOGOUT_ALL_RATE', d.logoutAllRate),
    faultEverySec: numberFrom(env, 'SOAK_FAULT_EVERY_SEC', d.faultEverySec),
    restartable,
    staleAfterMs: numberFrom(env, 'SOAK_STALE_AFTER_MS', d.staleAfterMs),
    maxInFlight: Math.max(1, Math.round(numberFrom(env, 'SOAK_MAX_IN_FLIGHT', d.maxInFlight))),
    progressEverySec: numberFrom(env, 'SOAK_PROGRESS_SEC', d.progressEverySec),
    maxRssGrowthMb: numberFrom(env, 'SOAK_MAX_RSS_GROWTH_MB', d.maxRssGrowthMb),
  };
}
