import { eq } from '@revoke/db';
import { type AuthDb, sessions } from '@revoke/db/auth';
import type { AuthDeps } from '../deps.ts';
import { SessionRevocationHub } from './session-revocation-hub.ts';

/** Why a watched session ended, as `auth.sessionEvents` tells the page. */
export type SignOutReason =
  /** `auth.logout` from this session (another tab of the same browser). */
  | 'signed_out'
  /** `auth.logoutAll` from any device. */
  | 'logged_out_everywhere'
  /** `auth.revokeSession` from another device. */
  | 'device_revoked'
  /** A rotated refresh token came back: the session was ended as a precaution. */
  | 'refresh_token_reuse'
  /** An operator's `admin revoke-user` / `revoke-session`. */
  | 'administrator'
  | 'revoked';

const REASONS: Record<string, SignOutReason> = {
  logout: 'signed_out',
  logout_all: 'logged_out_everywhere',
  revoked_by_user: 'device_revoked',
  refresh_token_reuse: 'refresh_token_reuse',
  admin_revoke_user: 'administrator',
  admin_revoke_session: 'administrator',
};

/** The reason the session was ended with (committed before its revocation was published). */
export async function signOutReason(db: AuthDb, sessionId: string): Promise<SignOutReason> {
  try {
    const [row] = await db
      .select({ reason: sessions.revokedReason })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    return REASONS[row?.reason ?? ''] ?? 'revoked';
  } catch {
    // The sign-out matters, not its wording.
    return 'revoked';
  }
}

// One hub per running auth app. Keyed by its dependencies so that AuthDeps needs no new member and
// each test app (its own deps, prefix and Redis) gets its own hub.
const hubs = new WeakMap<AuthDeps, SessionRevocationHub>();

/** The auth app's session-revocation hub, created on first use; it listens to the app's revocation feed. */
export function sessionRevocationHubOf(deps: AuthDeps): SessionRevocationHub {
  let hub = hubs.get(deps);
  if (!hub) {
    hub = new SessionRevocationHub({ feed: deps.feed });
    hubs.set(deps, hub);
  }
  return hub;
}

/**
 * Ends every open `auth.sessionEvents` stream (they reconnect to the next server) and stops the hub
 * listening to the feed. Must run before the HTTP server drains, or open streams hold `close()` forever.
 */
export function closeSessionRevocationHub(deps: AuthDeps): void {
  hubs.get(deps)?.close();
  hubs.delete(deps);
}
