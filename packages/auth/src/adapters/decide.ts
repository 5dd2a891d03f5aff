import type { AccessClaims } from '../claims.ts';
import { AuthError, type AuthErrorCode, asAuthError } from '../errors.ts';
import type { AuthGuard } from '../guard.ts';
import {
  chooseCandidate,
  type HeaderSource,
  passesCsrfCheck,
  presentedCredential,
} from '../trpc/credentials.ts';

/**
 * What every adapter takes: the guard that decides, and how the request presents its token.
 *
 * @example
 * ```ts
 * import { createExpressAuth, type RequestAuthOptions } from '@revoke/auth/express';
 * import { accessTokenCookieName } from '@revoke/auth/trpc';
 *
 * const options: RequestAuthOptions = { guard: auth, cookieName: accessTokenCookieName(true) };
 * app.get('/me', createExpressAuth(options), meHandler);
 * app.get('/status', createExpressAuth({ ...options, failOpen: true }), statusHandler);
 * ```
 */
export interface RequestAuthOptions {
  /** The guard: `createRevocationGuard` from `@revoke/auth` (or a service's auth stack). */
  guard: AuthGuard;
  /** The access-token cookie's name (default `access_token`; see `accessTokenCookieName`). */
  cookieName?: string | undefined;
  /**
   * Accept the token when revocation state is unavailable instead of answering 503 (counted and
   * logged by the guard). Only for routes where availability matters more than an instant logout.
   */
  failOpen?: boolean | undefined;
}

/**
 * Why a request is refused: one of the `AuthErrorCode`s, or `CSRF_REQUIRED` for a cookie-authenticated
 * unsafe request (POST, PUT, …) without the CSRF header (`x-revoke-csrf`), or a cross-site one.
 *
 * @example
 * ```ts
 * import type { AuthRefusalCode } from '@revoke/auth/fetch';
 *
 * const retryable = (code: AuthRefusalCode) => code === 'REVOCATION_UNAVAILABLE';
 * const needsNewToken = (code: AuthRefusalCode) => code !== 'REVOCATION_UNAVAILABLE' && code !== 'CSRF_REQUIRED';
 * ```
 */
export type AuthRefusalCode = AuthErrorCode | 'CSRF_REQUIRED';

/**
 * The JSON body of a refusal: a stable code and a message safe to show. Never a stack.
 *
 * @example
 * ```ts
 * import type { AuthErrorBody } from '@revoke/auth/fetch';
 *
 * const body: AuthErrorBody = { error: { code: 'TOKEN_REVOKED', message: 'Token revoked (logged out)' } };
 * // in a client: const { error } = (await response.json()) as AuthErrorBody;
 * ```
 */
export interface AuthErrorBody {
  error: { code: AuthRefusalCode; message: string };
}

/**
 * A request that passed: the verified claims, the token, and where it came from.
 *
 * @example
 * ```ts
 * import type { AuthAccepted } from '@revoke/auth/fetch';
 *
 * function userOf(accepted: AuthAccepted): string {
 *   return accepted.claims.sub; // accepted.source: 'header' | 'cookie'
 * }
 * ```
 */
export interface AuthAccepted {
  ok: true;
  claims: AccessClaims;
  token: string;
  source: 'header' | 'cookie';
}

/**
 * A request that was refused, as the HTTP answer to send.
 *
 * @example
 * ```ts
 * import type { ServerResponse } from 'node:http';
 * import type { AuthRefused } from '@revoke/auth/fetch';
 *
 * function send(res: ServerResponse, refusal: AuthRefused): void {
 *   if (refusal.error) logger.warn({ code: refusal.error.code }, 'auth refused'); // never sent
 *   res.writeHead(refusal.status, { ...refusal.headers, 'content-type': 'application/json' });
 *   res.end(JSON.stringify(refusal.body));
 * }
 * ```
 */
export interface AuthRefused {
  ok: false;
  /** 401 for a bad or missing token, 403 for CSRF, 503 when revocation state is unavailable. */
  status: 401 | 403 | 503;
  body: AuthErrorBody;
  /** `WWW-Authenticate` on 401s, `Retry-After` on 503s, and `Cache-Control: no-store`. */
  headers: Record<string, string>;
  /** The guard's error, for logs (its `cause` may hold library detail: never send it). */
  error?: AuthError;
}

/**
 * The one decision for a request, whatever the framework.
 *
 * @example
 * ```ts
 * import { type AuthDecision, decideRequest } from '@revoke/auth/fetch';
 *
 * const decision: AuthDecision = await decideRequest({ headers: req.headers, method: req.method }, { guard });
 * if (decision.ok) console.log(decision.claims.sub);
 * else console.log(decision.status, decision.body.error.code); // 401 'TOKEN_EXPIRED', …
 * ```
 */
export type AuthDecision = AuthAccepted | AuthRefused;

/** The parts of a request the decision reads. */
export interface RequestLike {
  headers: HeaderSource;
  /** The HTTP method: unsafe ones (anything but GET, HEAD, OPTIONS) authenticated by cookie need the CSRF header. */
  method: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The message of a CSRF refusal (`CSRF_REQUIRED`, or FORBIDDEN in tRPC). */
export const CSRF_MESSAGE =
  'Cross-site request refused: cookie-authenticated requests that change state must send the x-revoke-csrf header';

/**
 * Authenticates a request as every adapter of this package does, and as `protectedProcedure` does:
 * the token from `Authorization: Bearer <token>` (or a bare token) or the access-token cookie
 * (`presentedCredential`), a repeated cookie settled by `chooseCandidate`, the CSRF rule for unsafe
 * requests authenticated by cookie (`passesCsrfCheck`), then `guard.authenticate`. Never throws: a
 * refusal is an {@link AuthRefused} with the status, JSON body and headers to answer with.
 *
 * @example
 * ```ts
 * const decision = await decideRequest({ headers: req.headers, method: req.method }, { guard });
 * if (!decision.ok) return send(decision.status, decision.headers, decision.body);
 * console.log(decision.claims.sub);
 * ```
 */
export async function decideRequest(
  request: RequestLike,
  options: RequestAuthOptions,
): Promise<AuthDecision> {
  const unsafe = !SAFE_METHODS.has(request.method.toUpperCase());
  const outcome = await authenticateCredentials(request.headers, unsafe, options);
  return 'claims' in outcome ? { ok: true, ...outcome } : refusalOf(outcome);
}

/** What {@link authenticateCredentials} resolves to: the accepted credential, or why not. */
export type CredentialOutcome =
  | { claims: AccessClaims; token: string; source: 'header' | 'cookie' }
  | { error: AuthError }
  | { csrf: true };

/**
 * The decision without the HTTP answer, for adapters (such as the tRPC one) that answer in their
 * own terms. `unsafe` says whether the request changes state (a mutation, a POST): then a credential
 * from the cookie needs the CSRF header. Never throws.
 *
 * @example
 * ```ts
 * const outcome = await authenticateCredentials(headers, type === 'mutation', { guard });
 * if ('error' in outcome) throw toTRPCError(outcome.error);
 * ```
 */
export async function authenticateCredentials(
  headers: HeaderSource,
  unsafe: boolean,
  options: RequestAuthOptions,
): Promise<CredentialOutcome> {
  const { guard } = options;
  const authenticate = (token: unknown) => guard.authenticate(token, { failOpen: options.failOpen === true });
  try {
    const presented = presentedCredential(headers, { cookieName: options.cookieName ?? undefined });
    // No credential: the guard refuses it (TOKEN_MISSING), and counts it as every refusal is counted.
    if (!presented) {
      await authenticate(null);
      return { error: new AuthError('TOKEN_MISSING') };
    }
    const { source } = presented;
    // A repeated cookie is settled first: which credential the request carries decides the rest.
    if (presented.candidates) {
      const { token, result } = await chooseCandidate(presented.candidates, authenticate);
      if (unsafe && !passesCsrfCheck(headers)) return { csrf: true };
      return { claims: result, token, source };
    }
    if (unsafe && source === 'cookie' && !passesCsrfCheck(headers)) return { csrf: true };
    return { claims: await authenticate(presented.token), token: presented.token, source };
  } catch (error) {
    return { error: asAuthError(error) };
  }
}

function refusalOf(outcome: { error: AuthError } | { csrf: true }): AuthRefused {
  const noStore = { 'cache-control': 'no-store' };
  if ('csrf' in outcome)
    return {
      ok: false,
      status: 403,
      body: { error: { code: 'CSRF_REQUIRED', message: CSRF_MESSAGE } },
      headers: noStore,
    };
  const { error } = outcome;
  const body: AuthErrorBody = { error: { code: error.code, message: error.message } };
  if (error.code === 'REVOCATION_UNAVAILABLE')
    return { ok: false, status: 503, body, headers: { ...noStore, 'retry-after': '1' }, error };
  // RFC 6750: no error attribute when the request carried no credentials at all.
  const challenge = error.code === 'TOKEN_MISSING' ? 'Bearer' : 'Bearer error="invalid_token"';
  return { ok: false, status: 401, body, headers: { ...noStore, 'www-authenticate': challenge }, error };
}
