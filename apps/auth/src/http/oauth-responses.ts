import type { ClientCapability } from '@revoke/db/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientCredentialsOf } from '../oauth/client-authentication.ts';
import type { ClientRegistry, OAuthClient } from '../oauth/client-registry.ts';

/**
 * An RFC 6749 §5.2 error answer. OAuth responses carry credentials or say whether a token lives, so
 * none is ever cached (§5.1, RFC 7662 §2.2).
 */
export function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return noStore(reply).code(status).send({ error, error_description: description });
}

/** `Cache-Control: no-store` and `Pragma: no-cache`. */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** The `token` parameter of a form or JSON body, if it is a string of sane size. */
export function tokenParam(request: FastifyRequest): string | undefined {
  const token = formOf(request).token;
  return typeof token === 'string' && token.length > 0 && token.length <= 8192 ? token : undefined;
}

/** `token_type_hint` (RFC 7009 §2.1, RFC 7662 §2.1): a hint only, `undefined` when absent or unknown. */
export function tokenTypeHint(request: FastifyRequest): 'access_token' | 'refresh_token' | undefined {
  const hint = formOf(request).token_type_hint;
  return hint === 'access_token' || hint === 'refresh_token' ? hint : undefined;
}

/** The request's form (or JSON) body as an object, empty when there is none. */
export function formOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
}

/**
 * The confidential client a request authenticates as (RFC 6749 §2.3.1: HTTP Basic with form-encoded
 * id and secret, or `client_id`/`client_secret` in the form); `null` when it sends no credentials and
 * `publicAllowed`; `undefined` once an error answer was sent (RFC 6749 §5.2: `invalid_client`, 401,
 * with a `WWW-Authenticate` challenge only when the client tried Basic; two methods at once are
 * `invalid_request`). A client without `capability` gets `unauthorized_client`.
 */
export async function authenticateClient(
  request: FastifyRequest,
  reply: FastifyReply,
  registry: ClientRegistry,
  options: {
    capability: ClientCapability;
    publicAllowed?: boolean;
    /** For a client without the capability: 403, or 400 at the token endpoint (§5.2). */
    refusedStatus?: 400 | 403;
  },
): Promise<OAuthClient | null | undefined> {
  const credentials = clientCredentialsOf(request.headers.authorization, formOf(request));
  if ('error' in credentials) {
    if (credentials.error === 'none' && options.publicAllowed) return null;
    if (credentials.error === 'two_methods') {
      oauthError(reply, 400, 'invalid_request', 'use one client authentication method, not two');
      return undefined;
    }
    invalidClient(reply, credentials.method === 'client_secret_basic');
    return undefined;
  }
  const client = await registry.authenticate(credentials.id, credentials.secret);
  if (!client) {
    invalidClient(reply, credentials.method === 'client_secret_basic');
    return undefined;
  }
  if (!client.capabilities.has(options.capability)) {
    const status = options.refusedStatus ?? 403;
    oauthError(reply, status, 'unauthorized_client', `client "${client.id}" may not ${options.capability}`);
    return undefined;
  }
  return client;
}

function invalidClient(reply: FastifyReply, triedBasic: boolean): void {
  if (triedBasic) reply.header('www-authenticate', 'Basic realm="oauth", charset="UTF-8"');
  oauthError(reply, 401, 'invalid_client', 'client authentication failed');
}
