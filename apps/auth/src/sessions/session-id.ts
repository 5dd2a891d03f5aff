import { z } from 'zod';

/**
 * A session id as it enters from outside (procedure input, CLI argument): a UUID in either case,
 * made canonical (lower case, RFC 9562 §4) right here. Tokens carry the `sid` in lower case, and a
 * revocation recorded under any other spelling would match none of them.
 */
export const sessionIdSchema = z.uuid().transform((id) => id.toLowerCase());

/** {@link sessionIdSchema} for a string from the command line: the canonical id, or undefined. */
export function parseSessionId(text: string): string | undefined {
  const parsed = sessionIdSchema.safeParse(text.trim());
  return parsed.success ? parsed.data : undefined;
}
