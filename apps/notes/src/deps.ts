import { LiveRevocations } from '@revoke/auth/live';
import {
  type BuildDepsOptions,
  buildServiceDeps,
  createServiceTokenSource,
  type ServiceDeps,
} from '@revoke/service';
import { type ActivityRecorder, createActivityClient } from './activity-client.ts';
import type { Env } from './env.ts';
import { NoteChanges } from './note-changes.ts';

export type { BuildDepsOptions };

/** Everything the notes service's server and procedures use: the services' shared deps, and activity. */
export interface NotesDeps extends ServiceDeps<'notes', Env> {
  /** The typed client of activity, calling it with notes' own service token. */
  activity: ActivityRecorder;
  /** Ends `notes.live` subscriptions when their token is revoked or expires: one feed listener per process. */
  live: LiveRevocations;
  /** Tells this process's `notes.live` subscriptions that a user's notes changed. */
  changes: NoteChanges;
}

/** The shared deps (database, auth stack, revocation feed started), then the activity client and live subscriptions. */
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
  const live = new LiveRevocations({
    feed: deps.auth.feed,
    maxWatches: env.LIVE_MAX_CONNECTIONS,
    maxPerUser: env.LIVE_MAX_PER_USER,
    logger: deps.logger,
  });
  const close = async () => {
    live.close();
    await deps.close();
  };
  return { ...deps, activity, live, changes: new NoteChanges(), close };
}
