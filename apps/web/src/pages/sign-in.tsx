import { useId } from 'react';
import { CredentialsForm } from '../components/credentials-form.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { Link, ROUTES } from '../router.tsx';
import { type SignOutReason, signOutMessage } from '../session/sign-out-reasons.ts';
import { useLogin } from '../session/use-login.ts';

/** Sign in; when the page was signed out for a reason, says why first. */
export function SignInPage(props: { reason: SignOutReason | null }) {
  const id = useId();
  const login = useLogin();
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
      <CredentialsForm
        newAccount={false}
        busy={login.isPending}
        submitLabel={login.isPending ? 'Signing in…' : 'Sign in'}
        onSubmit={(credentials) => login.mutate(credentials)}
      >
        {login.isError ? <ErrorMessage title="Could not sign in." error={login.error} /> : null}
      </CredentialsForm>
      <p>
        New here? <Link to={ROUTES.signUp}>Create an account</Link>
      </p>
    </>
  );
}
