import { parseEnvOrExit, portSchema, serviceEnvShape } from '@revoke/service';
import { z } from 'zod';

/**
 * The activity service's configuration, validated once at start; nothing else reads `process.env`.
 * Defaults run the stack on one machine with no configuration at all.
 */
export const envSchema = z.object({
  ...serviceEnvShape,
  ACTIVITY_PORT: portSchema.default(4002),
  ACTIVITY_HOST: z.string().default('127.0.0.1'),
  /** Embedded PGlite directory, used when `DATABASE_URL` is unset. */
  ACTIVITY_DATA_DIR: z.string().default('.data/activity'),
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

/** The validated configuration. */
export type Env = z.infer<typeof envSchema>;

/** Parses `source` (default `process.env`), exiting with one readable line per problem. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnvOrExit('activity', envSchema, source);
}
