import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useApi } from '../api/api-context.tsx';
import { Link, ROUTES } from '../router.tsx';
import { LiveSignOut } from '../session/live-sign-out.tsx';
import { useSessionStore } from '../session/session-context.tsx';
import type { SessionUser } from '../session/session-store.ts';
import { signOutCallbacks } from '../session/sign-out-callbacks.ts';
import { ErrorMessage } from './status.tsx';

/** The signed-in frame: header with navigation, who is signed in, sign-out, and the live stream. */
export function SignedInLayout(props: { user: SessionUser; generation: number; children: ReactNode }) {
  const api = useApi();
  const session = useSessionStore();
  const signOut = useMutation(
    api.auth.auth.logout.mutationOptions(signOutCallbacks(session, 'signed_out_here')),
  );
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <span aria-hidden="true">⟲</span> revoke
        </div>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to={ROUTES.notes}>Notes</Link>
            </li>
            <li>
              <Link to={ROUTES.activity}>Activity</Link>
            </li>
            <li>
              <Link to={ROUTES.devices}>Devices</Link>
            </li>
            <li>
              <Link to={ROUTES.account}>Account</Link>
            </li>
          </ul>
        </nav>
        <div className="account">
          <span className="who" title={props.user.email}>
            {props.user.email}
          </span>
          <button
            type="button"
            className="secondary"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
          >
            {signOut.isPending ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      {signOut.isError ? <ErrorMessage title="Could not sign out." error={signOut.error} /> : null}
      <main id="main">
        {props.children}
        <LiveSignOut key={props.generation} />
      </main>
    </>
  );
}

/** The signed-out frame. */
export function SignedOutLayout(props: { children: ReactNode }) {
  return (
    <>
      <header className="app-header">
        <div className="brand">
          <span aria-hidden="true">⟲</span> revoke
        </div>
      </header>
      <main id="main" className="narrow">
        {props.children}
      </main>
    </>
  );
}
