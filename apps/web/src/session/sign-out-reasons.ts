import { isSessionEndReason, type SessionEndReason } from '@revoke/contract';

/** Why this page signed itself out, without the server telling it. */
type LocalSignOutReason = 'signed_out_here' | 'logged_out_everywhere_here' | 'session_expired';

/** Why this page is signed out; each has a sentence for the user. */
export type SignOutReason = SessionEndReason | LocalSignOutReason;

// A `Record` over every reason: a reason the contract adds does not compile until it has a sentence.
const MESSAGES: Record<SignOutReason, string> = {
  // Told by the auth app's `auth.sessionEvents` stream:
  signed_out: 'You signed out in another tab or window of this browser.',
  logged_out_everywhere:
    'You were signed out because “Log out everywhere” was chosen on one of your devices.',
  device_revoked: 'This device was signed out from another device’s Devices page.',
  refresh_token_reuse:
    'Your session was ended for your security: a sign-in token was used twice, which can mean it was copied. ' +
    'Sign in again, and consider changing your password.',
  administrator: 'An administrator ended your session.',
  token_revoked: 'This session’s sign-in token was revoked by an app using your account. Sign in again.',
  password_changed: 'Your password was changed on another device. Sign in again with the new password.',
  signed_out_elsewhere: 'You were signed out from another of your devices (“Sign out other devices”).',
  revoked: 'Your session was ended. Sign in again to continue.',
  // Decided by this page:
  signed_out_here: 'You signed out.',
  logged_out_everywhere_here:
    'You logged out everywhere: every device, including this one, is now signed out.',
  session_expired: 'Your session expired. Sign in again to continue.',
};

/** The sentence shown for a reason. */
export function signOutMessage(reason: SignOutReason): string {
  return MESSAGES[reason];
}

/** A reason from the server, or `revoked` for one this client does not know yet. */
export function reasonFromServer(reason: string): SessionEndReason {
  return isSessionEndReason(reason) ? reason : 'revoked';
}
