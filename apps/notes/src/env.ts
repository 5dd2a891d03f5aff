import { parseEnvOrExit, portSchema, serviceEnvShape } from '@revoke/service';
import { z } from 'zod';

/**
 * The notes service's configuration, validated once at start; nothing else reads `process.env`.
 * Defaults run the stack on one machine with no configuration at all.
 */
export const envSchema = z.object({
  ...serviceEnvShape,
  NOTES_PORT: portSchema.default(4001),
  NOTES_HOST: z.string().default('127.0.0.1'),
  /** Embedded PGlite directory, used when `DATABASE_URL` is unset. */
  NOTES_DATA_DIR: z.string().default('.data/notes'),
  /**
   * Budget of one call to activity. A note's transaction stays open while it runs, so this bounds
   * how long a slow activity service can hold a database connection.
   */
  ACTIVITY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3000),
});

/** The validated configuration. */
export type Env = z.infer<typeof envSchema>;

/** Parses `source` (default `process.env`), exiting with one readable line per problem. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnvOrExit('notes', envSchema, source);
}
