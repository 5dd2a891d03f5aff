import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuthDeps } from '../deps.ts';
import { authenticateClient, formOf, noStore, oauthError } from './oauth-responses.ts';

/** A service audience: a short lower-case name (`activity`). */
const AUDIENCE = /^[a-z][a-z0-9-]{1,62}$/;

/**
 * `POST /oauth/token`, the client credentials grant (RFC 6749 §4.4), for service-to-service calls: a
 * client with the `service` capability (configured in `SERVICE_CLIENTS`, or registered with
 * `admin client create`) authenticates (`client_secret_basic` or `client_secret_post`) and gets a
 * short-lived token for ONE other service, named by `audience`. Its `sub` and `client_id` are the
 * caller's client id; it is never a user's token (the user audience is refused), so it opens no
 * user-facing procedure, and the callee admits it only to the internal procedures it lists the caller
 * for. Tokens are checked against revocation like any other. Every token issued is audited.
 */
export function registerTokenRoute(app: FastifyInstance, deps: AuthDeps): void {
  const ttlSec = deps.env.SERVICE_TOKEN_TTL_SEC;

  app.post('/oauth/token', async (request, reply: FastifyReply) => {
    const client = await authenticateClient(request, reply, deps.clients, {
      capability: 'service',
      refusedStatus: 400,
    });
    if (!client) return reply;
    const form = formOf(request);
    if (form.grant_type !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', 'only client_credentials is granted here');
    const audience = form.audience;
    if (typeof audience !== 'string' || !AUDIENCE.test(audience) || audience === deps.env.TOKEN_AUDIENCE) {
      // RFC 8707's code for a resource the client may not have a token for.
      return oauthError(
        reply,
        400,
        'invalid_target',
        'audience must name one service (not the user audience)',
      );
    }
    const issued = await deps.tokens.issueForService({ clientId: client.id, audience, ttlSec });
    await deps.audit.record({
      actor: `client:${client.id}`,
      action: 'oauth_token',
      target: issued.jti,
      detail: { audience },
    });
    return noStore(reply).send({
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.exp - issued.iat,
    });
  });
}
