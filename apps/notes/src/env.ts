import { appPlacementShape, defineAppEnv, serviceEnvShape } from '@revoke/service';
import { z } from 'zod';

/**
 * The notes service's configuration: the settings every service shares, its port, host and data
 * directory (`NOTES_PORT` 4001, `NOTES_HOST`, `NOTES_DATA_DIR` `.data/notes`), and its own below.
 * Defaults run the stack on one machine with no configuration at all.
 */
const notesEnv = defineAppEnv('notes', {
  ...serviceEnvShape,
  ...appPlacementShape('notes', 4001),
  /**
   * Budget of one call to activity. A note's transaction stays open while it runs, so this bounds
   * how long a slow activity service can hold a database connection.
   */
  ACTIVITY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
  /**
   * Notes' own credential at the auth app, for service tokens to activity's internal procedures: the
   * auth app's `SERVICE_CLIENTS` must list `<SERVICE_CLIENT_ID>:<SERVICE_CLIENT_SECRET>`.
   */
  SERVICE_CLIENT_ID: z.string().min(1).default('notes'),
  SERVICE_CLIENT_SECRET: z.preprocess(
    // Empty is unset (a compose file passes an unset variable through as "").
    (value) => value || undefined,
    z
      .string({
        error:
          "required: notes calls activity with its own credential; set it, and list notes:<the same secret> in the auth app's SERVICE_CLIENTS",
      })
      .min(32),
  ),
  /** Activity's audience for service tokens (activity's `SERVICE_AUDIENCE`). */
  ACTIVITY_AUDIENCE: z.string().min(1).default('activity'),
  /** Open `notes.live` subscriptions in this process, over all users; past it, TOO_MANY_REQUESTS. */
  LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Open `notes.live` subscriptions of one user in this process (every tab holds one); then TOO_MANY_REQUESTS. */
  LIVE_MAX_PER_USER: z.coerce.number().int().min(1).max(10_000).default(32),
});

export const envSchema = notesEnv.schema;
/** Parses `source` (default `process.env`), exiting with one readable line per problem. */
export const loadEnv = notesEnv.load;
/** The validated configuration. */
export type Env = z.infer<typeof envSchema>;
