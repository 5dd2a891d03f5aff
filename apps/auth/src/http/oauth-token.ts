import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthDeps } from '../deps.ts';
import { clientCredentialsOf } from '../oauth/client-authentication.ts';
import { createServiceClientRegistry } from '../oauth/service-clients.ts';

/** A service audience: a short lower-case name (`activity`). */
const AUDIENCE = /^[a-z][a-z0-9-]{1,62}$/;

/** An RFC 6749 §5.2 error answer; token responses are never cached (§5.1). */
function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ error, error_description: description });
}

/**
 * `POST /oauth/token`, the client credentials grant (RFC 6749 §4.4), for service-to-service calls: a
 * service configured in `SERVICE_CLIENTS` authenticates (`client_secret_basic` or `client_secret_post`)
 * and gets a short-lived token for ONE other service, named by `audience`. Its `sub` and `client_id`
 * are the caller's client id; it is never a user's token (the user audience is refused), so it opens
 * no user-facing procedure, and the callee admits it only to the internal procedures it lists the
 * caller for. Tokens are checked against revocation like any other.
 */
export function registerTokenRoute(app: FastifyInstance, deps: AuthDeps): void {
  const clients = createServiceClientRegistry(deps.env.SERVICE_CLIENTS);
  const ttlSec = deps.env.SERVICE_TOKEN_TTL_SEC;

  app.post('/oauth/token', async (request: FastifyRequest, reply) => {
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
      string,
      unknown
    >;
    const credentials = clientCredentialsOf(request.headers.authorization, body);
    if ('error' in credentials) {
      if (credentials.error === 'two_methods')
        return oauthError(reply, 400, 'invalid_request', 'use one client authentication method, not two');
      return invalidClient(reply, credentials.method === 'client_secret_basic');
    }
    const clientId = clients.authenticate(credentials.id, credentials.secret);
    if (!clientId) return invalidClient(reply, credentials.method === 'client_secret_basic');
    if (body.grant_type !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', 'only client_credentials is granted here');
    const audience = body.audience;
    if (typeof audience !== 'string' || !AUDIENCE.test(audience) || audience === deps.env.TOKEN_AUDIENCE) {
      // RFC 8707's code for a resource the client may not have a token for.
      return oauthError(
        reply,
        400,
        'invalid_target',
        'audience must name one service (not the user audience)',
      );
    }
    const issued = await deps.tokens.issueForService({ clientId, audience, ttlSec });
    deps.logger.debug({ clientId, audience, jti: issued.jti }, 'oauth: service token issued');
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.exp - issued.iat });
  });
}

/** RFC 6749 §5.2: 401, with a Basic challenge only when the client tried Basic. */
function invalidClient(reply: FastifyReply, triedBasic: boolean) {
  if (triedBasic) reply.header('www-authenticate', 'Basic realm="oauth", charset="UTF-8"');
  return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
}
