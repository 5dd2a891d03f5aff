import type { TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';
import type { SignOutReason } from '../session/sign-out-reasons.ts';
import { authReason } from './errors.ts';

/** What the link needs from the session. */
export interface RecoveryHooks {
  /** Only a signed-in page recovers; at start-up the session store does its own refresh. */
  signedIn(): boolean;
  /** Refreshes the access token (browser-wide, once at a time); true when a valid one exists afterwards. */
  refresh(): Promise<boolean>;
  revoked(reason: SignOutReason): void;
}

/**
 * Calls that handle their own 401s. `auth.changePassword` runs under the browser-wide refresh lock
 * (`SessionStore.replaceTokens`), so a refresh from here would wait for that lock forever: the store
 * refreshes and repeats it itself.
 */
const OWN_AUTH = new Set(['auth.login', 'auth.register', 'auth.refresh', 'auth.changePassword']);

/**
 * Recovers from an access token that expired before the scheduled refresh (a sleeping laptop, a
 * throttled background tab): on `TOKEN_EXPIRED` or `TOKEN_MISSING` it refreshes once and repeats the
 * call. On `TOKEN_REVOKED` the page signs out, in case the live stream's event was missed.
 */
export function sessionRecoveryLink<TRouter extends AnyRouter>(hooks: RecoveryHooks): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let unsubscribe = () => {};
        const attempt = (retried: boolean) => {
          const subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              const reason = authReason(error);
              if (op.type !== 'subscription' && !OWN_AUTH.has(op.path) && hooks.signedIn()) {
                if (!retried && (reason === 'TOKEN_EXPIRED' || reason === 'TOKEN_MISSING')) {
                  void hooks.refresh().then((ok) => (ok ? attempt(true) : observer.error(error)));
                  return;
                }
                if (reason === 'TOKEN_REVOKED') hooks.revoked('revoked');
              }
              observer.error(error);
            },
          });
          unsubscribe = () => subscription.unsubscribe();
        };
        attempt(false);
        return () => unsubscribe();
      });
}
