import { timingSafeEqual } from 'node:crypto';
import { eq } from '@revoke/db';
import { refreshTokens, sessions } from '@revoke/db/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../deps.ts';
import { hashRefreshToken, looksLikeRefreshToken } from '../sessions/refresh-token.ts';

/** The `token` parameter of a form or JSON body, if it is a string of sane size. */
function tokenParam(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  const token = body && typeof body === 'object' ? body.token : undefined;
  return typeof token === 'string' && token.length > 0 && token.length <= 8192 ? token : undefined;
}

/** HTTP Basic credentials of the introspection client, compared in constant time. */
function isIntrospectionClient(request: FastifyRequest, secret: string | undefined): boolean {
  const header = request.headers.authorization;
  if (!secret || !header?.startsWith('Basic ')) return false;
  const expected = Buffer.from(`introspect:${secret}`);
  const presented = Buffer.from(Buffer.from(header.slice(6), 'base64').toString('utf8'));
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * 429 + `Retry-After` (RFC 6585) in RFC 6749 §5.2's error shape. RFC 7009 defines no code for it
 * (`slow_down` is RFC 8628's, for polling the token endpoint, with a 400); a client reads the status.
 * Only a valid token's holder can get it, and learns only what using the token would tell them.
 */
function tooManyRequests(reply: FastifyReply, retryAfterSec: number): FastifyReply {
  return reply
    .code(429)
    .header('Retry-After', String(retryAfterSec))
    .send({
      error: 'too_many_requests',
      error_description: `too many revocations for this account; retry in ${retryAfterSec} s`,
    });
}

/** `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662). */
export function registerOAuthRoutes(app: FastifyInstance, deps: AuthDeps): void {
  // RFC 7009 §2.2: the answer is 200 whether or not the token was valid, so it reveals nothing.
  app.post('/oauth/revoke', async (request, reply) => {
    const token = tokenParam(request);
    if (!token)
      return reply.code(400).send({ error: 'invalid_request', error_description: 'token is required' });
    // An unknown or invalid token revokes nothing, and is answered 200 like any other.
    let published = true;
    if (looksLikeRefreshToken(token)) {
      const [row] = await deps.db
        .select({ sessionId: refreshTokens.sessionId, userId: sessions.userId })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)));
      if (row) {
        // Counted against the token's user, like auth.logout, before anything is revoked.
        const verdict = await deps.budgets.revoke.consume(row.userId);
        if (!verdict.allowed) return tooManyRequests(reply, verdict.retryAfterSec);
        published = (await deps.revoker.revokeSession({ ...row, reason: 'oauth_revoke', actor: row.userId }))
          .published;
      }
    } else {
      const claims = await deps.verifier.verify(token).catch(() => undefined);
      if (claims) {
        // As auth.logout: revoking a token already revoked writes nothing and spends no budget.
        const verdict = deps.feed.cache.isRevoked(claims)
          ? { allowed: true as const }
          : await deps.budgets.revoke.consume(claims.sub);
        if (!verdict.allowed) return tooManyRequests(reply, verdict.retryAfterSec);
        published = (await deps.revoker.logout(claims, claims.sub)).published;
      }
    }
    // RFC 7009 §2.2.1: 503 asks the client to retry. The revocation is committed and will be
    // delivered, but a 200 would claim every service already refuses the token.
    if (!published)
      return reply.code(503).header('Retry-After', '1').send({
        error: 'temporarily_unavailable',
        error_description: 'revocation recorded but not yet published; retry to confirm',
      });
    return reply.code(200).send({});
  });

  app.post('/oauth/introspect', async (request, reply) => {
    if (!isIntrospectionClient(request, deps.env.INTROSPECTION_SECRET)) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Basic realm="introspect"')
        .send({ error: 'invalid_client' });
    }
    const token = tokenParam(request);
    if (!token)
      return reply.code(400).send({ error: 'invalid_request', error_description: 'token is required' });
    try {
      const claims = await deps.guard.authenticate(token);
      return {
        active: true,
        token_type: 'Bearer',
        sub: claims.sub,
        sid: claims.sid,
        jti: claims.jti,
        iss: claims.iss,
        aud: claims.aud,
        iat: claims.iat,
        exp: claims.exp,
      };
    } catch {
      // Revoked, expired, forged or unknown: RFC 7662 says only that it is not active.
      return { active: false };
    }
  });
}
