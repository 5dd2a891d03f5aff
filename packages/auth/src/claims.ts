/**
 * The verified claims of an access token. Only tokens that passed every check
 * become one of these; times are seconds since the epoch, as in the JWT.
 *
 * @example
 * ```ts
 * import type { AccessClaims } from '@revoke/auth';
 *
 * const claims: AccessClaims = await auth.authenticate(token);
 * console.log(claims.sub, claims.sid, new Date(claims.exp * 1000));
 * ```
 */
export interface AccessClaims {
  /** Issuer: the auth app's URL. */
  readonly iss: string;
  /** Audience(s) the token is meant for. */
  readonly aud: string | readonly string[];
  /** The user id. */
  readonly sub: string;
  /** The session id: every token of one login shares it. */
  readonly sid: string;
  /** 128-bit random token id, base64url. Revocations of one token are keyed by it. */
  readonly jti: string;
  /** Issued at (seconds). */
  readonly iat: number;
  /** Expires at (seconds). */
  readonly exp: number;
  /**
   * The `kid` of the key that signed the token (from its verified protected header): a withdrawn
   * key's tokens are revoked by it. Always set by the verifier; absent only in claims built by hand.
   */
  readonly kid?: string;
  /**
   * The OAuth client the token was issued to (RFC 9068 `client_id`): a first-party client for a user's
   * token (`revoke-web`, `revoke-cli`), the calling service for a service token. Absent in tokens
   * minted before it was added, and in claims built by hand.
   */
  readonly clientId?: string;
}

/**
 * The kinds of revocation: one token (`jti`), one session (`sid`), a user's tokens issued before a
 * time (`sub`), and every token signed by a withdrawn key (`kid`).
 *
 * @example
 * ```ts
 * import { type RevocationKind, revocationKeys } from '@revoke/auth/writer';
 *
 * const kind: RevocationKind = 'sid';
 * revocationKeys('revoke:').entry(kind, claims.sid); // 'revoke:sid:<sid>'
 * ```
 */
export type RevocationKind = 'jti' | 'sid' | 'sub' | 'kid';
