import { z } from 'zod';
import { MAX_REFRESH_TOKEN_LENGTH } from './limits.ts';

/**
 * A session id as it enters from outside (procedure input, CLI argument): a UUID in either case,
 * made canonical (lower case, RFC 9562 §4) right here. Tokens carry the `sid` in lower case, and a
 * revocation recorded under any other spelling would match none of them.
 */
export const sessionIdSchema = z.uuid().transform((id) => id.toLowerCase());

/** Input of `auth.revokeSession`: the session (device) to sign out. */
export const revokeSessionInput = z.object({ sessionId: sessionIdSchema }).strict();

/**
 * Input of `auth.refresh`: nothing (the browser's cookie carries the token) or the refresh token
 * itself, for clients without cookies.
 */
export const refreshInput = z
  .object({ refreshToken: z.string().max(MAX_REFRESH_TOKEN_LENGTH).optional() })
  .strict()
  .optional();
