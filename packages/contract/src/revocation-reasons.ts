/**
 * Why something was revoked, as the auth app records it (`revocations.reason`,
 * `sessions.revoked_reason`). Stored, so never rename one; add one here before anything records it.
 */
export const REVOCATION_REASONS = [
  /** `auth.logout`: the token and its session. */
  'logout',
  /** `auth.logoutAll`: every session of the user. */
  'logout_all',
  /** `auth.revokeSession`: one device, from another one. */
  'revoked_by_user',
  /** A rotated refresh token came back: the session was ended as a precaution. */
  'refresh_token_reuse',
  /** An operator's `admin revoke-user`. */
  'admin_revoke_user',
  /** An operator's `admin revoke-session`. */
  'admin_revoke_session',
  /** A refresh token revoked at the OAuth revocation endpoint (RFC 7009), e.g. by the CLI. */
  'oauth_revoke',
  /** A signing key taken out of service: every token it signed. */
  'key_withdrawn',
  /** `auth.changePassword`: every other session of the user, and the token that changed it. */
  'password_changed',
  /** `auth.logoutOthers`: every other session of the user (this one stays signed in). */
  'logout_others',
] as const;

/** One of {@link REVOCATION_REASONS}. */
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** True when `value` is one of {@link REVOCATION_REASONS} (for a value read from storage). */
export function isRevocationReason(value: unknown): value is RevocationReason {
  return (REVOCATION_REASONS as readonly unknown[]).includes(value);
}

/**
 * Why a watched session ended, as `auth.sessionEvents` tells the page: the words of the stream,
 * coarser than {@link RevocationReason} (both operator commands are `administrator`).
 */
export const SESSION_END_REASONS = [
  'signed_out',
  'logged_out_everywhere',
  'device_revoked',
  'refresh_token_reuse',
  'administrator',
  'token_revoked',
  /** The password was changed on another device (`auth.changePassword`). */
  'password_changed',
  /** Signed out from another device that kept its own session (`auth.logoutOthers`). */
  'signed_out_elsewhere',
  /** Ended for a reason this vocabulary has no word for, or one that could not be read. */
  'revoked',
] as const;

/** One of {@link SESSION_END_REASONS}. */
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * What the stream says for each recorded reason. A `Record` over every reason, so a new
 * {@link RevocationReason} does not compile until the page is told something about it.
 */
export const SESSION_END_REASON_OF: Readonly<Record<RevocationReason, SessionEndReason>> = {
  logout: 'signed_out',
  logout_all: 'logged_out_everywhere',
  revoked_by_user: 'device_revoked',
  refresh_token_reuse: 'refresh_token_reuse',
  admin_revoke_user: 'administrator',
  admin_revoke_session: 'administrator',
  oauth_revoke: 'token_revoked',
  // A withdrawn key ends no session row; were one to carry it, the generic word fits.
  key_withdrawn: 'revoked',
  password_changed: 'password_changed',
  logout_others: 'signed_out_elsewhere',
};

/** The stream's word for a stored reason; `revoked` for none or one this version does not know. */
export function sessionEndReasonOf(stored: string | null | undefined): SessionEndReason {
  return isRevocationReason(stored) ? SESSION_END_REASON_OF[stored] : 'revoked';
}

/** True when `value` is one of {@link SESSION_END_REASONS} (for a word read off the stream). */
export function isSessionEndReason(value: unknown): value is SessionEndReason {
  return (SESSION_END_REASONS as readonly unknown[]).includes(value);
}
