import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@revoke/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { isUnconfirmedSignOut } from '../api/errors.ts';
import { LabelledInput } from '../components/labelled-input.tsx';
import { PageHeading } from '../components/page-heading.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { useSessionStore } from '../session/session-context.tsx';

const devices = (n: number) => `${n} other device${n === 1 ? '' : 's'}`;

/** The account's security: change the password, sign out the other devices. */
export function AccountPage() {
  const api = useApi();
  const session = useSessionStore();
  const queryClient = useQueryClient();
  const id = useId();
  const [fields, setFields] = useState({ currentPassword: '', newPassword: '' });
  const refreshDevices = () => queryClient.invalidateQueries({ queryKey: api.auth.auth.sessions.queryKey() });

  // This device stays signed in: the answer's new tokens are in the cookies, adopted like a refresh.
  const change = api.auth.auth.changePassword.mutationOptions();
  const changePassword = useMutation({
    ...change,
    mutationFn: (input: typeof fields, context) =>
      session.replaceTokens(() => change.mutationFn!(input, context)),
    onSuccess: () => {
      setFields({ currentPassword: '', newPassword: '' });
      void refreshDevices();
    },
  });
  const logoutOthers = useMutation(api.auth.auth.logoutOthers.mutationOptions({ onSuccess: refreshDevices }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    changePassword.mutate(fields);
  };
  const field = (name: keyof typeof fields) => ({
    id: `${id}-${name}`,
    name,
    type: 'password',
    required: true,
    maxLength: MAX_PASSWORD_LENGTH,
    value: fields[name],
    onChange: (event: { target: { value: string } }) => {
      const { value } = event.target;
      setFields((current) => ({ ...current, [name]: value }));
    },
  });

  return (
    <>
      <PageHeading>Account</PageHeading>
      <p className="lead">
        Changing your password signs out every other device at once, even pages open right now. This device
        stays signed in.
      </p>
      <section className="account-section" aria-labelledby={`${id}-password`}>
        <h2 id={`${id}-password`}>Change password</h2>
        <form className="card form" onSubmit={submit} aria-busy={changePassword.isPending}>
          <LabelledInput
            label="Current password"
            autoComplete="current-password"
            {...field('currentPassword')}
          />
          <LabelledInput
            label="New password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD_LENGTH}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            {...field('newPassword')}
          />
          {changePassword.isError ? (
            <ErrorMessage
              title={
                isUnconfirmedSignOut(changePassword.error)
                  ? 'Your password was changed, but your other devices are not yet signed out everywhere.'
                  : 'Your password was not changed.'
              }
              error={changePassword.error}
            />
          ) : null}
          {changePassword.isSuccess ? (
            <div className="success" role="status" data-testid="password-changed">
              <p>
                Password changed. {devices(changePassword.data.endedSessions)} signed out; this one stays
                signed in.
              </p>
            </div>
          ) : null}
          <button type="submit" disabled={changePassword.isPending}>
            {changePassword.isPending ? 'Changing password…' : 'Change password'}
          </button>
        </form>
      </section>
      <section className="card danger-zone" aria-labelledby={`${id}-others`}>
        <h2 id={`${id}-others`}>Sign out other devices</h2>
        <p>Signs out every device but this one. Their open pages sign out within a second.</p>
        {logoutOthers.isError ? (
          <ErrorMessage
            title={
              isUnconfirmedSignOut(logoutOthers.error)
                ? 'Your other devices are signed out, but not yet on every service.'
                : 'Nothing was signed out.'
            }
            error={logoutOthers.error}
          />
        ) : null}
        {logoutOthers.isSuccess ? (
          <div className="success" role="status" data-testid="others-signed-out">
            <p>Signed out {devices(logoutOthers.data.sessions)}.</p>
          </div>
        ) : null}
        <button
          type="button"
          className="danger"
          disabled={logoutOthers.isPending}
          onClick={() => logoutOthers.mutate()}
        >
          {logoutOthers.isPending ? 'Signing out other devices…' : 'Sign out other devices'}
        </button>
      </section>
    </>
  );
}
