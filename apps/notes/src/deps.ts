import {
  type BuildDepsOptions,
  buildServiceDeps,
  createServiceTokenSource,
  type ServiceDeps,
} from '@revoke/service';
import { type ActivityRecorder, createActivityClient } from './activity-client.ts';
import type { Env } from './env.ts';

export type { BuildDepsOptions };

/** Everything the notes service's server and procedures use: the services' shared deps, and activity. */
export interface NotesDeps extends ServiceDeps<'notes', Env> {
  /** The typed client of activity, calling it with notes' own service token. */
  activity: ActivityRecorder;
}

/** The shared deps (database, auth stack, revocation feed started), then the activity client. */
export async function buildDeps(env: Env, options: BuildDepsOptions = {}): Promise<NotesDeps> {
  const deps = await buildServiceDeps('notes', env, env.NOTES_DATA_DIR, options);
  const activity = createActivityClient({
    url: env.ACTIVITY_URL,
    timeoutMs: env.ACTIVITY_TIMEOUT_MS,
    credential: createServiceTokenSource({
      authUrl: env.AUTH_URL,
      clientId: env.SERVICE_CLIENT_ID,
      clientSecret: env.SERVICE_CLIENT_SECRET,
      audience: env.ACTIVITY_AUDIENCE,
      timeoutMs: env.ACTIVITY_TIMEOUT_MS,
    }),
  });
  return { ...deps, activity };
}
