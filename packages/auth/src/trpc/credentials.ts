import { CSRF_HEADER } from '@revoke/contract';
import { AuthError } from '../errors.ts';
import { ACCESS_TOKEN_COOKIE } from './cookie-names.ts';

/**
 * Request headers as a fetch `Headers` or a Node `IncomingMessage['headers']`.
 *
 * @example
 * ```ts
 * import { credentialFromHeaders, type HeaderSource } from '@revoke/auth/trpc';
 *
 * const fromNode: HeaderSource = req.headers; // { authorization: 'Bearer …', cookie: '…' }
 * const fromFetch: HeaderSource = request.headers; // a fetch `Headers`
 * credentialFromHeaders(fromNode);
 * ```
 */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/**
 * Most values of one cookie a request may repeat. A value planted by a sibling site (over HTTP, where
 * no `__Host-` prefix protects the name) is skipped when it is not a credential of ours; past this
 * many the request is refused, so the attempt costs a bounded number of verifications.
 *
 * @example
 * ```ts
 * import { MAX_COOKIE_CANDIDATES, presentedCredential } from '@revoke/auth/trpc';
 *
 * const cookie = Array(MAX_COOKIE_CANDIDATES + 1).fill(`access_token=${token}`).join('; ');
 * presentedCredential({ cookie }); // throws AuthError TOKEN_INVALID: too many repeated cookies
 * ```
 */
export const MAX_COOKIE_CANDIDATES = 3;

// The web client sends it, so its name lives in the contract.
export { CSRF_HEADER } from '@revoke/contract';

/**
 * Header in which a service calling another presents its own credential (a service token from the
 * auth app's `/oauth/token`), as `Bearer <token>`, beside the user's token it forwards in
 * `Authorization`. Browsers never send it: CORS does not allow it.
 *
 * @example
 * ```ts
 * import { SERVICE_TOKEN_HEADER } from '@revoke/auth/trpc';
 *
 * // notes calling activity on behalf of a user: the user's token, and notes' own service token
 * await fetch('http://activity.internal/trpc/activity.record', {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${userToken}`, [SERVICE_TOKEN_HEADER]: `Bearer ${serviceToken}` },
 *   body: JSON.stringify(event),
 * });
 * ```
 */
export const SERVICE_TOKEN_HEADER = 'x-service-authorization';

/**
 * A presented access token and where it came from.
 *
 * @example
 * ```ts
 * import type { PresentedCredential } from '@revoke/auth/trpc';
 *
 * const fromHeader: PresentedCredential = { token: 'eyJ…', source: 'header' };
 * const repeated: PresentedCredential = { token: 'planted', source: 'cookie', candidates: ['planted', 'eyJ…'] };
 * ```
 */
export interface PresentedCredential {
  token: string;
  source: 'header' | 'cookie';
  /**
   * Every value when the cookie came more than once (`token` is the first). The caller uses the one
   * that is a valid credential of ours, and refuses the request when none or several are.
   */
  candidates?: readonly string[];
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
}

/**
 * Every value of cookie `name` in the request's Cookie header(s), in the order sent.
 *
 * @example
 * ```ts
 * import { cookieValuesOf } from '@revoke/auth/trpc';
 *
 * cookieValuesOf({ cookie: 'access_token=a; theme=dark; access_token=b' }, 'access_token'); // ['a', 'b']
 * cookieValuesOf(new Headers(), 'access_token'); // []
 * ```
 */
export function cookieValuesOf(headers: HeaderSource, name: string): string[] {
  return cookieValues(header(headers, 'cookie'), name).map(decodeURIComponentSafe);
}

function cookieValues(cookieHeader: string | undefined, name: string): string[] {
  if (!cookieHeader) return [];
  const values: string[] = [];
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}

/** The token from an Authorization header: `Bearer <token>`, or a bare token as the tutorial sends. */
function fromAuthorization(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  const space = trimmed.indexOf(' ');
  if (space < 0) return trimmed;
  if (trimmed.slice(0, space).toLowerCase() !== 'bearer') {
    throw new AuthError('TOKEN_INVALID', { message: 'Unsupported authorization scheme; use Bearer' });
  }
  return trimmed.slice(space + 1).trim();
}

/**
 * The access token a request presents, from `Authorization: Bearer <token>`, a bare
 * `Authorization: <token>`, or the access-token cookie; null when none is presented.
 * Throws `TOKEN_INVALID` for ambiguous credentials (a header and a cookie that differ, a header beside
 * a repeated cookie, more than {@link MAX_COOKIE_CANDIDATES} values), since picking one would let a
 * request be judged on a token other than the one the caller meant. A repeated cookie alone is
 * returned with its `candidates`: the caller keeps the one value that is ours (see `chooseCandidate`).
 *
 * @example
 * ```ts
 * import { credentialFromHeaders } from '@revoke/auth/trpc';
 *
 * credentialFromHeaders({ authorization: `Bearer ${token}` }); // token
 * credentialFromHeaders(new Headers({ cookie: `access_token=${token}` })); // token
 * credentialFromHeaders({}); // null
 * credentialFromHeaders({ authorization: 'Basic dXNlcjpwYXNz' }); // throws AuthError TOKEN_INVALID
 * ```
 */
export function credentialFromHeaders(
  headers: HeaderSource,
  options: { cookieName?: string } = {},
): string | null {
  return presentedCredential(headers, options)?.token ?? null;
}

/**
 * Like {@link credentialFromHeaders}, also saying whether the token came from a header or the cookie.
 *
 * @example
 * ```ts
 * import { presentedCredential } from '@revoke/auth/trpc';
 *
 * presentedCredential({ authorization: `Bearer ${token}` }); // { token, source: 'header' }
 * presentedCredential({ cookie: `access_token=planted; access_token=${token}` });
 * // { token: 'planted', source: 'cookie', candidates: ['planted', token] }: settle it with chooseCandidate
 * ```
 */
export function presentedCredential(
  headers: HeaderSource,
  options: { cookieName?: string } = {},
): PresentedCredential | null {
  const bearer = fromAuthorization(header(headers, 'authorization'));
  const cookies = cookieValuesOf(headers, options.cookieName ?? ACCESS_TOKEN_COOKIE);
  if (cookies.length > MAX_COOKIE_CANDIDATES)
    throw new AuthError('TOKEN_INVALID', { message: 'Ambiguous credentials: too many repeated cookies' });
  if (
    (bearer !== undefined && cookies.some((cookie) => cookie !== bearer)) ||
    (bearer !== undefined && cookies.length > 1)
  ) {
    throw new AuthError('TOKEN_INVALID', { message: 'Ambiguous credentials: header and cookie differ' });
  }
  if (bearer !== undefined) return { token: bearer, source: 'header' };
  const [first] = cookies;
  if (first === undefined) return null;
  return cookies.length > 1
    ? { token: first, source: 'cookie', candidates: cookies }
    : { token: first, source: 'cookie' };
}

/**
 * True when the request sends {@link CSRF_HEADER} and no `Sec-Fetch-Site: cross-site`: what a mutation
 * authenticated by the cookie needs (a Bearer token needs no such proof; callers apply this to cookie
 * credentials only).
 *
 * @example
 * ```ts
 * import { CSRF_HEADER, passesCsrfCheck, presentedCredential } from '@revoke/auth/trpc';
 *
 * passesCsrfCheck({ [CSRF_HEADER]: '1' }); // true
 * passesCsrfCheck({ [CSRF_HEADER]: '1', 'sec-fetch-site': 'cross-site' }); // false
 * // It matters only for a credential from the cookie:
 * const presented = presentedCredential(req.headers);
 * if (req.method === 'POST' && presented?.source === 'cookie' && !passesCsrfCheck(req.headers)) refuse(403);
 * ```
 */
export function passesCsrfCheck(headers: HeaderSource): boolean {
  if (header(headers, 'sec-fetch-site') === 'cross-site') return false;
  return header(headers, CSRF_HEADER) !== undefined;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Left as is: the verifier rejects it with TOKEN_INVALID.
    return value;
  }
}

/**
 * The calling service's token from {@link SERVICE_TOKEN_HEADER} (`Bearer <token>`), or null when the
 * header is absent. Throws `TOKEN_INVALID` for another scheme or a repeated header.
 *
 * @example
 * ```ts
 * import { serviceCredentialFromHeaders } from '@revoke/auth/trpc';
 *
 * serviceCredentialFromHeaders({ 'x-service-authorization': `Bearer ${serviceToken}` }); // serviceToken
 * serviceCredentialFromHeaders({}); // null
 * serviceCredentialFromHeaders({ 'x-service-authorization': 'Basic abc' }); // throws AuthError TOKEN_INVALID
 * ```
 */
export function serviceCredentialFromHeaders(headers: HeaderSource): string | null {
  const raw = (headers as Record<string, unknown>)[SERVICE_TOKEN_HEADER];
  if (Array.isArray(raw)) throw new AuthError('TOKEN_INVALID', { message: 'Repeated service credential' });
  const value = header(headers, SERVICE_TOKEN_HEADER)?.trim();
  if (!value) return null;
  const match = /^Bearer +(\S+)$/i.exec(value);
  if (!match)
    throw new AuthError('TOKEN_INVALID', { message: 'Service credential must be "Bearer <token>"' });
  return match[1]!;
}

/**
 * Of the values of a repeated cookie, the one that `check` accepts (verifies, or authenticates), with
 * what it returned. A value that is not a credential of ours (planted by a sibling site on a shared
 * host, a stale cookie of another path) is skipped, so it cannot lock the user out; several values
 * that each pass are refused as ambiguous (`TOKEN_INVALID`), never picked among, so a planted valid
 * token of someone else's is never used in the user's place. None passing: the first one's error.
 *
 * @example
 * ```ts
 * import { chooseCandidate, presentedCredential } from '@revoke/auth/trpc';
 *
 * const presented = presentedCredential(req.headers);
 * if (presented?.candidates) {
 *   // the one value that authenticates; several that do are refused (TOKEN_INVALID)
 *   const { token, result: claims } = await chooseCandidate(presented.candidates, (t) => guard.authenticate(t));
 * }
 * ```
 */
export async function chooseCandidate<T>(
  candidates: readonly string[],
  check: (token: string) => Promise<T>,
): Promise<{ token: string; result: T }> {
  const settled = await Promise.allSettled(candidates.map(check));
  const passed = candidates.flatMap((token, i) => {
    const outcome = settled[i]!;
    return outcome.status === 'fulfilled' ? [{ token, result: outcome.value }] : [];
  });
  if (passed.length === 1) return passed[0]!;
  if (passed.length > 1)
    throw new AuthError('TOKEN_INVALID', { message: 'Ambiguous credentials: repeated cookie' });
  throw (settled[0] as PromiseRejectedResult).reason;
}
