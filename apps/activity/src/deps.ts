import { type BuildDepsOptions, buildServiceDeps, type ServiceDeps } from '@revoke/service';
import type { Env } from './env.ts';

export type { BuildDepsOptions };

/** Everything the activity service's server and procedures use: the services' shared deps, nothing more. */
export type ActivityDeps = ServiceDeps<'activity', Env>;

/** Opens the database (migrating it), builds the auth stack and starts its revocation feed. */
export function buildDeps(env: Env, options: BuildDepsOptions = {}): Promise<ActivityDeps> {
  return buildServiceDeps('activity', env, env.ACTIVITY_DATA_DIR, options);
}
