import { startSession } from '../sessions/session-store.ts';
import { createAccessTokenIssuer } from '../tokens/access-tokens.ts';
import type { TestAuthApp } from './test-app.ts';

/**
 * An access token of the app's own keys that expires `expiresInMs` from now, for a new session of
 * `userId` (a session's tokens are minted with the full lifetime, so its clock is set back instead).
 */
export async function shortLivedToken(
  app: TestAuthApp,
  options: { userId: string; expiresInMs: number; userAgent: string },
) {
  const ttl = app.deps.env.ACCESS_TOKEN_TTL_SEC;
  const issuer = createAccessTokenIssuer({
    keys: app.deps.keys,
    issuer: app.deps.env.ISSUER,
    audience: app.deps.env.TOKEN_AUDIENCE,
    ttlSec: ttl,
    now: () => Date.now() - ttl * 1000 + options.expiresInMs,
  });
  const { sessionId } = await startSession(app.deps.db, {
    userId: options.userId,
    userAgent: options.userAgent,
    ip: undefined,
    refreshTtlSec: 60,
  });
  return { sessionId, ...(await issuer.issue({ sub: options.userId, sid: sessionId })) };
}
