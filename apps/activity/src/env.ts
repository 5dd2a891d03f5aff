import { appPlacementShape, defineAppEnv, serviceEnvShape } from '@revoke/service';
import { z } from 'zod';

/**
 * The activity service's configuration: the settings every service shares, its port, host and data
 * directory (`ACTIVITY_PORT` 4002, `ACTIVITY_HOST`, `ACTIVITY_DATA_DIR` `.data/activity`), and its
 * own below. Defaults run the stack on one machine with no configuration at all.
 */
const activityEnv = defineAppEnv('activity', {
  ...serviceEnvShape,
  ...appPlacementShape('activity', 4002),
  /** The audience of service tokens minted for this service (never the user tokens' `TOKEN_AUDIENCE`). */
  SERVICE_AUDIENCE: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,62}$/)
    .default('activity'),
  /** Client ids of the services that may call internal procedures (`activity.record`), comma-separated. */
  INTERNAL_CALLERS: z
    .string()
    .default('notes')
    .transform((list) =>
      list
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
});

export const envSchema = activityEnv.schema;
/** Parses `source` (default `process.env`), exiting with one readable line per problem. */
export const loadEnv = activityEnv.load;
/** The validated configuration. */
export type Env = z.infer<typeof envSchema>;
