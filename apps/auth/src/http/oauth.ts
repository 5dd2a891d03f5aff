import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuthDeps } from '../deps.ts';
import { findPresentedToken, type StoredRefreshToken } from '../oauth/presented-token.ts';
import { authenticateClient, noStore, oauthError, tokenParam, tokenTypeHint } from './oauth-responses.ts';

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

/**
 * `POST /oauth/revoke` (RFC 7009) and `POST /oauth/introspect` (RFC 7662). Both take the token in a
 * form (or JSON) body, honour `token_type_hint` as a hint, authenticate confidential clients by
 * `client_secret_basic` or `client_secret_post`, and audit every call with the client's id.
 */
export function registerOAuthRoutes(app: FastifyInstance, deps: AuthDeps): void {
  // RFC 7009 §2.2: the answer is 200 whether or not the token was valid, so it reveals nothing. A
  // public client (no credentials: the web client, a CLI) revokes a token by holding it; a confidential
  // one must authenticate and have the `revoke` capability.
  app.post('/oauth/revoke', async (request, reply) => {
    const client = await authenticateClient(request, reply, deps.clients, {
      capability: 'revoke',
      publicAllowed: true,
    });
    if (client === undefined) return reply;
    const token = tokenParam(request);
    if (!token) return oauthError(reply, 400, 'invalid_request', 'token is required');
    const hint = tokenTypeHint(request);
    const found = await findPresentedToken(deps, token, hint);
    // A confidential client's every call is audited under its id; a public one's only by the
    // revocation it causes (the revoker audits that), so a stranger's junk writes nothing.
    if (client)
      await deps.audit.record({
        actor: `client:${client.id}`,
        action: 'oauth_revoke',
        detail: { hint: hint ?? null, found: found?.kind ?? null },
      });
    // An unknown or invalid token revokes nothing, and is answered 200 like any other.
    let published = true;
    if (found?.kind === 'refresh_token') {
      // Counted against the token's user, like auth.logout, before anything is revoked.
      const verdict = await deps.budgets.revoke.consume(found.userId);
      if (!verdict.allowed) return tooManyRequests(reply, verdict.retryAfterSec);
      const { sessionId, userId } = found;
      published = (
        await deps.revoker.revokeSession({ sessionId, userId, reason: 'oauth_revoke', actor: userId })
      ).published;
    } else if (found) {
      const { claims } = found;
      // As auth.logout: revoking a token already revoked writes nothing and spends no budget.
      const verdict = deps.feed.cache.isRevoked(claims)
        ? { allowed: true as const }
        : await deps.budgets.revoke.consume(claims.sub);
      if (!verdict.allowed) return tooManyRequests(reply, verdict.retryAfterSec);
      published = (await deps.revoker.logout(claims, claims.sub)).published;
    }
    // RFC 7009 §2.2.1: 503 asks the client to retry. The revocation is committed and will be
    // delivered, but a 200 would claim every service already refuses the token.
    if (!published) {
      reply.header('Retry-After', '1');
      return oauthError(
        reply,
        503,
        'temporarily_unavailable',
        'revocation recorded but not yet published; retry to confirm',
      );
    }
    return noStore(reply).code(200).send({});
  });

  // RFC 7662 §2.2: an active token's claims; anything else (revoked, expired, forged, unknown) only
  // `{ active: false }`.
  app.post('/oauth/introspect', async (request, reply) => {
    const client = await authenticateClient(request, reply, deps.clients, { capability: 'introspect' });
    if (!client) return reply;
    const token = tokenParam(request);
    if (!token) return oauthError(reply, 400, 'invalid_request', 'token is required');
    const found = await findPresentedToken(deps, token, tokenTypeHint(request));
    const answer =
      found?.kind === 'refresh_token'
        ? refreshTokenAnswer(found, deps)
        : await accessTokenAnswer(token, found !== undefined, deps);
    await deps.audit.record({
      actor: `client:${client.id}`,
      action: 'oauth_introspect',
      detail: { active: answer.active, kind: found?.kind ?? null },
    });
    return noStore(reply).send(answer);
  });
}

/** An access token's introspection: active only when it verifies and is not revoked. */
async function accessTokenAnswer(token: string, verified: boolean, deps: AuthDeps) {
  if (!verified) return { active: false };
  try {
    const claims = await deps.guard.authenticate(token);
    return {
      active: true,
      token_type: 'Bearer',
      client_id: claims.clientId,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      iat: claims.iat,
      exp: claims.exp,
      jti: claims.jti,
      sid: claims.sid,
    };
  } catch {
    return { active: false };
  }
}

/** A refresh token's introspection: active while it could still be exchanged. */
function refreshTokenAnswer(found: StoredRefreshToken, deps: AuthDeps) {
  const now = Date.now();
  const rotatedLongAgo =
    found.rotatedAt !== null && now - found.rotatedAt.getTime() > deps.env.REFRESH_REUSE_GRACE_SEC * 1000;
  if (found.sessionRevokedAt || found.expiresAt.getTime() <= now || rotatedLongAgo) return { active: false };
  return {
    active: true,
    client_id: found.clientId,
    sub: found.userId,
    iss: deps.env.ISSUER,
    iat: Math.floor(found.createdAt.getTime() / 1000),
    exp: Math.floor(found.expiresAt.getTime() / 1000),
    sid: found.sessionId,
  };
}
