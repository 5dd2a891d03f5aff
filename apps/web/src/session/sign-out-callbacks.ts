import { isUnconfirmedSignOut } from '../api/errors.ts';
import type { SessionStore } from './session-store.ts';

/**
 * What a sign-out mutation (`auth.logout`, `auth.logoutAll`) does to this page: leaving from the
 * start, so that its own live stream's `revoked` event keeps this page's wording, and signed out with
 * `reason` once done. A 503 saying the sign-out was recorded (and this device's cookies cleared) but
 * not yet published to every service still signs the page out: the others catch up once Redis is
 * back. Any other failure leaves the page signed in.
 */
export function signOutCallbacks(
  session: SessionStore,
  reason: 'signed_out_here' | 'logged_out_everywhere_here',
) {
  return {
    onMutate: () => session.leaving(reason),
    onSuccess: () => session.signedOut(reason),
    onError: (error: unknown) =>
      isUnconfirmedSignOut(error) ? session.signedOut(reason) : session.leaving(null),
  };
}
