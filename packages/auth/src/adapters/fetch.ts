import { type AuthDecision, type AuthRefused, decideRequest, type RequestAuthOptions } from './decide.ts';

export type {
  AuthAccepted,
  AuthDecision,
  AuthErrorBody,
  AuthRefusalCode,
  AuthRefused,
  RequestAuthOptions,
} from './decide.ts';
// The framework-neutral decision, for any other server: Node's `req.headers` or a fetch `Headers`.
export { decideRequest } from './decide.ts';

/**
 * Authenticates a Fetch API `Request` (Hono, Next.js route handlers, Deno, Bun, Workers): resolves
 * to `{ ok: true, claims, token, source }` for a valid, unrevoked access token, and otherwise to
 * `{ ok: false, status, body, headers }`, the answer to send (401 `TOKEN_MISSING` / `TOKEN_INVALID` /
 * `TOKEN_EXPIRED` / `TOKEN_REVOKED`, 403 `CSRF_REQUIRED`, 503 `REVOCATION_UNAVAILABLE`; see
 * {@link refusalResponse}). Never throws.
 *
 * @example
 * ```ts
 * // A Next.js route handler (app/api/me/route.ts)
 * import { createFetchAuth, refusalResponse } from '@revoke/auth/fetch';
 *
 * const authenticate = createFetchAuth({ guard });
 * export async function GET(request: Request) {
 *   const auth = await authenticate(request);
 *   if (!auth.ok) return refusalResponse(auth);
 *   return Response.json({ sub: auth.claims.sub });
 * }
 * ```
 */
export function createFetchAuth(options: RequestAuthOptions): (request: Request) => Promise<AuthDecision> {
  return (request) => decideRequest(request, options);
}

/**
 * The `Response` for a refusal from {@link createFetchAuth}: its status, headers and JSON body.
 *
 * @example
 * ```ts
 * // Hono
 * app.use('/api/*', async (c, next) => {
 *   const auth = await authenticate(c.req.raw);
 *   if (!auth.ok) return refusalResponse(auth);
 *   c.set('claims', auth.claims);
 *   await next();
 * });
 * ```
 */
export function refusalResponse(refusal: AuthRefused): Response {
  return Response.json(refusal.body, { status: refusal.status, headers: refusal.headers });
}
