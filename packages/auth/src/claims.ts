/**
 * The verified claims of an access token (DESIGN §3). Only tokens that passed every check
 * become one of these; times are seconds since the epoch, as in the JWT.
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
}

/** The three kinds of revocation (DESIGN §4). */
export type RevocationKind = 'jti' | 'sid' | 'sub';
