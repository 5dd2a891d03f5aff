import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useApi } from '../api/api-context.tsx';
import { isUnconfirmedSignOut } from '../api/errors.ts';
import { PageHeading } from '../components/page-heading.tsx';
import { QueryView } from '../components/query-view.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { describeUserAgent, formatDateTime, formatRelative } from '../format.ts';
import { useSessionStore } from '../session/session-context.tsx';
import { signOutCallbacks } from '../session/sign-out-callbacks.ts';

/** The user's sessions (one per signed-in device or browser), with revoke and "log out everywhere". */
export function DevicesPage() {
  const api = useApi();
  const session = useSessionStore();
  const queryClient = useQueryClient();
  const id = useId();
  const sessions = useQuery(api.auth.auth.sessions.queryOptions());
  const revoke = useMutation(
    api.auth.auth.revokeSession.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: api.auth.auth.sessions.queryKey() }),
    }),
  );
  const logoutAll = useMutation(
    api.auth.auth.logoutAll.mutationOptions(signOutCallbacks(session, 'logged_out_everywhere_here')),
  );

  return (
    <>
      <PageHeading>Devices</PageHeading>
      <p className="lead">
        Every browser or app signed in to your account. Revoking one signs it out at once, even if it is open
        right now.
      </p>
      {revoke.isError ? (
        <ErrorMessage
          title={
            isUnconfirmedSignOut(revoke.error)
              ? 'The device is signed out, but not yet on every service.'
              : 'The device was not signed out.'
          }
          error={revoke.error}
        />
      ) : null}
      <QueryView query={sessions} loading="Loading devices…" failed="Could not load your devices.">
        {(devices) => (
          <ul className="list" aria-busy={sessions.isFetching}>
            {devices.map((device) => {
              const name = describeUserAgent(device.userAgent);
              const revoking = revoke.isPending && revoke.variables?.sessionId === device.id;
              return (
                <li key={device.id} className="card item device" data-current={device.current}>
                  <div>
                    <h2 className="device-name">
                      {name}
                      {device.current ? <span className="badge">This device</span> : null}
                    </h2>
                    <dl className="device-meta">
                      <dt>Signed in</dt>
                      <dd>
                        <time dateTime={device.createdAt}>{formatDateTime(device.createdAt)}</time>
                      </dd>
                      <dt>Last active</dt>
                      <dd>
                        <time dateTime={device.lastSeenAt} title={formatDateTime(device.lastSeenAt)}>
                          {formatRelative(device.lastSeenAt)}
                        </time>
                      </dd>
                    </dl>
                    {device.userAgent ? <p className="user-agent">{device.userAgent}</p> : null}
                  </div>
                  {device.current ? null : (
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${name}, signed in ${formatDateTime(device.createdAt)}`}
                      disabled={revoking}
                      onClick={() => revoke.mutate({ sessionId: device.id })}
                    >
                      {revoking ? 'Revoking…' : 'Revoke'}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </QueryView>
      <section className="card danger-zone" aria-labelledby={`${id}-all`}>
        <h2 id={`${id}-all`}>Log out everywhere</h2>
        <p>
          Signs out every device, including this one. Open pages on other devices sign out within a second.
        </p>
        {logoutAll.isError ? <ErrorMessage title="Nothing was signed out." error={logoutAll.error} /> : null}
        <button
          type="button"
          className="danger"
          disabled={logoutAll.isPending}
          onClick={() => logoutAll.mutate()}
        >
          {logoutAll.isPending ? 'Logging out everywhere…' : 'Log out everywhere'}
        </button>
      </section>
    </>
  );
}
