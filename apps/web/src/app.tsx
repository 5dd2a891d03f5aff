import { useEffect } from 'react';
import { SignedInLayout, SignedOutLayout } from './components/layout.tsx';
import { Loading } from './components/status.tsx';
import { AccountPage } from './pages/account.tsx';
import { ActivityPage } from './pages/activity.tsx';
import { DevicesPage } from './pages/devices.tsx';
import { NotesPage } from './pages/notes.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { SignUpPage } from './pages/sign-up.tsx';
import { navigate, ROUTES, usePath } from './router.tsx';
import { useSession } from './session/session-context.tsx';

const SIGNED_IN_PAGES: Record<string, () => React.JSX.Element> = {
  [ROUTES.notes]: NotesPage,
  [ROUTES.activity]: ActivityPage,
  [ROUTES.devices]: DevicesPage,
  [ROUTES.account]: AccountPage,
};

/** Picks the page for the session state and path, and keeps the address bar in step. */
export function App() {
  const session = useSession();
  const path = usePath();
  const signedIn = session.status === 'signed-in';
  const target = signedIn
    ? path in SIGNED_IN_PAGES
      ? path
      : ROUTES.notes
    : session.status === 'signed-out' && path === ROUTES.signUp
      ? ROUTES.signUp
      : ROUTES.signIn;

  useEffect(() => {
    if (session.status !== 'starting' && path !== target) navigate(target, { replace: true });
  }, [session.status, path, target]);

  useEffect(() => {
    const titles: Record<string, string> = {
      [ROUTES.signIn]: 'Sign in',
      [ROUTES.signUp]: 'Create an account',
      [ROUTES.notes]: 'Notes',
      [ROUTES.activity]: 'Activity',
      [ROUTES.devices]: 'Devices',
      [ROUTES.account]: 'Account',
    };
    document.title = `${titles[target] ?? 'revoke'} · revoke`;
  }, [target]);

  if (session.status === 'starting') {
    return (
      <SignedOutLayout>
        <Loading>Checking your session…</Loading>
      </SignedOutLayout>
    );
  }
  if (session.status === 'signed-out') {
    return (
      <SignedOutLayout>
        {target === ROUTES.signUp ? <SignUpPage /> : <SignInPage reason={session.reason} />}
      </SignedOutLayout>
    );
  }
  const Page = SIGNED_IN_PAGES[target] ?? NotesPage;
  return (
    <SignedInLayout user={session.user} generation={session.generation}>
      <Page key={target} />
    </SignedInLayout>
  );
}
