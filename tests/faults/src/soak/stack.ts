import { redisCli } from '../faults/redis.ts';
import type { Target } from '../harness/client.ts';
import { type Fleet, SERVICE_NAMES, type ServiceName, startFleet } from '../harness/fleet.ts';

export { SERVICE_NAMES, type ServiceName };

/**
 * The fault suite's fleet (auth, notes and activity on a private `redis-server` and a fresh database),
 * with the verification targets by service name and a Redis command line, as the soak uses them.
 */
export interface SoakStack extends Omit<Fleet, 'targets'> {
  /** One verification target per service. */
  targets: Record<ServiceName, Target>;
  /** Sends one command to the private Redis (through `redis-cli`) and returns its raw reply. */
  redisCommand(...args: string[]): Promise<string>;
}

export interface SoakStackOptions {
  /** S, the services' `REVOCATION_STALE_AFTER_MS`. */
  staleAfterMs: number;
  /** Access-token lifetime: longer than the run, so that no token expires during it. */
  accessTokenTtlSec: number;
}

export async function startSoakStack(options: SoakStackOptions): Promise<SoakStack> {
  const fleet = await startFleet({
    label: 'soak',
    staleAfterMs: options.staleAfterMs,
    env: { ACCESS_TOKEN_TTL_SEC: String(options.accessTokenTtlSec) },
  });
  return {
    ...fleet,
    targets: Object.fromEntries(fleet.targets.map((target) => [target.name, target])) as Record<
      ServiceName,
      Target
    >,
    redisCommand: (...args) => redisCli(fleet.redis, ...args),
  };
}
