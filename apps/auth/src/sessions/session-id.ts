import { sessionIdSchema } from '@revoke/contract';

/** {@link sessionIdSchema} for a string from the command line: the canonical id, or undefined. */
export function parseSessionId(text: string): string | undefined {
  const parsed = sessionIdSchema.safeParse(text.trim());
  return parsed.success ? parsed.data : undefined;
}
