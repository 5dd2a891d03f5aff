import { useMutation } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { CredentialsForm } from '../components/credentials-form.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { Link, ROUTES } from '../router.tsx';
import { useLogin } from '../session/use-login.ts';

/** Create an account, then sign in with it. */
export function SignUpPage() {
  const api = useApi();
  const login = useLogin();
  const register = useMutation(
    // The account exists: sign in with what was just registered.
    api.auth.auth.register.mutationOptions({ onSuccess: (_, credentials) => login.mutate(credentials) }),
  );
  return (
    <>
      <PageHeading>Create an account</PageHeading>
      <CredentialsForm
        newAccount
        busy={register.isPending || login.isPending}
        submitLabel={
          register.isPending ? 'Creating account…' : login.isPending ? 'Signing in…' : 'Create account'
        }
        onSubmit={(credentials) => register.mutate(credentials)}
      >
        {register.isError ? (
          <ErrorMessage title="Could not create the account." error={register.error} />
        ) : null}
        {login.isError ? (
          <ErrorMessage title="Account created, but signing in failed." error={login.error} />
        ) : null}
      </CredentialsForm>
      <p>
        Already have an account? <Link to={ROUTES.signIn}>Sign in</Link>
      </p>
    </>
  );
}
