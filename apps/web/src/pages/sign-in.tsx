import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { Link, ROUTES } from '../router.tsx';
import { useSessionStore } from '../session/session-context.tsx';
import { type SignOutReason, signOutMessage } from '../session/sign-out-reasons.ts';

/** Sign in; when the page was signed out for a reason, says why first. */
export function SignInPage(props: { reason: SignOutReason | null }) {
  const api = useApi();
  const session = useSessionStore();
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation(
    api.auth.auth.login.mutationOptions({ onSuccess: (pair) => session.signedIn(pair) }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email, password });
  };
  return (
    <>
      {props.reason ? (
        <section
          className="notice"
          role="alert"
          aria-labelledby={`${id}-out`}
          data-testid="signed-out-notice"
        >
          <h2 id={`${id}-out`}>You are signed out</h2>
          <p>{signOutMessage(props.reason)}</p>
        </section>
      ) : null}
      <PageHeading>Sign in</PageHeading>
      <form className="card form" onSubmit={submit} aria-busy={login.isPending}>
        <label htmlFor={`${id}-email`}>E-mail</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {login.isError ? <ErrorMessage title="Could not sign in." error={login.error} /> : null}
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link to={ROUTES.signUp}>Create an account</Link>
      </p>
    </>
  );
}
