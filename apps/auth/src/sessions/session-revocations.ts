import type { AccessClaims } from '@revoke/auth';
import { type SessionEndReason, sessionEndReasonOf } from '@revoke/contract';
import { and, eq } from '@revoke/db';
import { type AuthDb, revocations, sessions } from '@revoke/db/auth';
import type { AuthDeps } from '../deps.ts';
import { SessionRevocationHub } from './session-revocation-hub.ts';

/** The reason the session was ended with (committed before its revocation was published). */
export async function signOutReason(db: AuthDb, sessionId: string): Promise<SessionEndReason> {
  try {
    const [row] = await db
      .select({ reason: sessions.revokedReason })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    return sessionEndReasonOf(row?.reason);
  } catch {
    // The sign-out matters, not its wording.
    return 'revoked';
  }
}

/**
 * True when the token alone was revoked by `auth.changePassword` on its own device, whose session
 * lives on with new tokens: that page is not signed out, it refreshes and subscribes again.
 */
export async function replacedByPasswordChange(
  db: AuthDb,
  claims: Pick<AccessClaims, 'jti' | 'sid'>,
): Promise<boolean> {
  try {
    const [row] = await db
      .select({ reason: revocations.reason, sessionRevokedAt: sessions.revokedAt })
      .from(revocations)
      .innerJoin(sessions, eq(sessions.id, claims.sid))
      .where(and(eq(revocations.kind, 'jti'), eq(revocations.subject, claims.jti)));
    return row?.reason === 'password_changed' && row.sessionRevokedAt === null;
  } catch {
    return false;
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
