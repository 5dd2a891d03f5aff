import etag from '@fastify/etag';
import type { FastifyInstance } from 'fastify';
import type { AuthDeps } from '../deps.ts';
import type { Env } from '../env.ts';

/**
 * RFC 8414 authorization-server metadata: what this server has of it, and nothing it does not have.
 * There is no authorization endpoint (users sign in through tRPC) and no scope, so neither appears.
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  jwks_uri: string;
  token_endpoint: string;
  grant_types_supported: string[];
  response_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint: string;
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint: string;
  introspection_endpoint_auth_methods_supported: string[];
}

/** The OpenID Connect Discovery 1.0 document: the RFC 8414 metadata and the one OpenID field that applies. */
export interface OpenIdConfiguration extends AuthorizationServerMetadata {
  subject_types_supported: string[];
}

// Where the public signing keys are served, as every service expects (`AUTH_URL` + this path).
const JWKS_PATH = '/.well-known/jwks.json';

// A rotated key is published `--publish-delay-sec` (60 s by default) before it signs, and every copy
// of the JWKS a verifier fetches from then on must hold it. Other auth processes publish the key
// only at their next reload (every 15 s), and a verifier that fetched a set without it refetches only
// after its cooldown (30 s for `@revoke/auth`'s `remoteKeys`): 60 − 15 − 30 leaves 15 s that a cache
// may add. 10 s stays under that, with room for slow requests and a cache that ignores `Age`; a
// rotation with a delay under 55 s can leave services refusing the new key's tokens for a moment.
// The ETag makes the frequent revalidation a 304.
const JWKS_CACHE_CONTROL = 'public, max-age=10';
// The metadata changes only with the configuration, that is with a redeploy.
const METADATA_CACHE_CONTROL = 'public, max-age=3600';

// RFC 6749 §2.3.1: HTTP Basic, or the id and secret in the form. No client signs assertions here
// (`private_key_jwt`, `client_secret_jwt`), so no `*_auth_signing_alg_values_supported` is claimed.
const CLIENT_SECRET_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * The RFC 8414 document served at `/.well-known/oauth-authorization-server`. Every URL is built from
 * `ISSUER` (the tokens' `iss`), never from the request, so a forged `Host` cannot change it.
 */
export function authorizationServerMetadata(env: Pick<Env, 'ISSUER'>): AuthorizationServerMetadata {
  const issuer = env.ISSUER;
  const url = (path: string) => `${issuer.replace(/\/$/, '')}${path}`;
  return {
    issuer,
    jwks_uri: url(JWKS_PATH),
    token_endpoint: url('/oauth/token'),
    grant_types_supported: ['client_credentials'],
    // RFC 8414 requires the field, but `response_type` is a parameter of the authorization endpoint
    // (RFC 6749 §3.1.1), which this server does not have: it supports none, and says so. Neither
    // openid-client nor oauth4webapi reads it for discovery or the grants this server offers.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: CLIENT_SECRET_METHODS,
    revocation_endpoint: url('/oauth/revoke'),
    // A public client may revoke a token it holds without authenticating (RFC 7009 §2.1).
    revocation_endpoint_auth_methods_supported: [...CLIENT_SECRET_METHODS, 'none'],
    introspection_endpoint: url('/oauth/introspect'),
    introspection_endpoint_auth_methods_supported: CLIENT_SECRET_METHODS,
  };
}

/**
 * The OpenID Connect Discovery 1.0 document served at `/.well-known/openid-configuration`. This server
 * issues no ID tokens and has no authorization or userinfo endpoint, so the fields about them
 * (`authorization_endpoint`, `id_token_signing_alg_values_supported`, …) are left out rather than
 * invented; what remains is what openid-client's `discovery()` and get-jwks read.
 */
export function openIdConfiguration(env: Pick<Env, 'ISSUER'>): OpenIdConfiguration {
  // A user's `sub` is the same for every service (no pairwise identifiers).
  return { ...authorizationServerMetadata(env), subject_types_supported: ['public'] };
}

/**
 * Serves the JWKS, the RFC 8414 metadata and the OpenID discovery document, each with `Cache-Control`,
 * an `ETag`, and 304 for a matching `If-None-Match`.
 */
export async function registerMetadataRoutes(app: FastifyInstance, deps: AuthDeps): Promise<void> {
  const metadata = authorizationServerMetadata(deps.env);
  const openId = openIdConfiguration(deps.env);
  // A plugin of its own, so that ETags and 304s apply to these documents only, not to tRPC or OAuth answers.
  await app.register(async (scope) => {
    await scope.register(etag);
    scope.get(JWKS_PATH, async (_request, reply) =>
      reply.header('cache-control', JWKS_CACHE_CONTROL).send(deps.keys.jwks()),
    );
    scope.get('/.well-known/oauth-authorization-server', async (_request, reply) =>
      reply.header('cache-control', METADATA_CACHE_CONTROL).send(metadata),
    );
    scope.get('/.well-known/openid-configuration', async (_request, reply) =>
      reply.header('cache-control', METADATA_CACHE_CONTROL).send(openId),
    );
  });
}
