import { MIN_PASSWORD_LENGTH } from '@revoke/contract';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { Link, ROUTES } from '../router.tsx';
import { useSessionStore } from '../session/session-context.tsx';

/** Create an account, then sign in with it. */
export function SignUpPage() {
  const api = useApi();
  const session = useSessionStore();
  const id = useId();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation(
    api.auth.auth.login.mutationOptions({ onSuccess: (pair) => session.signedIn(pair) }),
  );
  const register = useMutation(
    api.auth.auth.register.mutationOptions({ onSuccess: () => login.mutate({ email, password }) }),
  );
  const pending = register.isPending || login.isPending;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate({ email, password });
  };
  return (
    <>
      <PageHeading>Create an account</PageHeading>
      <form className="card form" onSubmit={submit} aria-busy={pending}>
        <label htmlFor={`${id}-email`}>E-mail</label>
        <input
          id={`${id}-email`}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          aria-describedby={`${id}-password-hint`}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <p id={`${id}-password-hint`} className="hint">
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
        {register.isError ? (
          <ErrorMessage title="Could not create the account." error={register.error} />
        ) : null}
        {login.isError ? (
          <ErrorMessage title="Account created, but signing in failed." error={login.error} />
        ) : null}
        <button type="submit" disabled={pending}>
          {register.isPending ? 'Creating account…' : login.isPending ? 'Signing in…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={ROUTES.signIn}>Sign in</Link>
      </p>
    </>
  );
}
