import { z } from 'zod';

/**
 * The stack's own settings. Everything else in the environment (DATABASE_URL, REDIS_URL, ports,
 * URLs, data dirs, REVOCATION_PREFIX…) is the apps' and passes through to them.
 */
const stackEnvSchema = z.object({
  /** Comma-separated app names to run (default: every app in the checkout), e.g. `auth,notes`. */
  STACK_APPS: z
    .string()
    .optional()
    .transform((value) =>
      value
        ?.split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  /** Give up when the apps are not all ready after this long. */
  STACK_READY_TIMEOUT_SEC: z.coerce.number().int().min(5).max(3600).default(180),
});

/** The validated stack settings. */
export type StackSettings = z.infer<typeof stackEnvSchema>;

/** Parses the stack's settings from `source`; throws one readable line per problem. */
export function loadStackSettings(source: Record<string, string | undefined> = process.env): StackSettings {
  const result = stackEnvSchema.safeParse(source);
  if (result.success) return result.data;
  throw new Error(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
}
