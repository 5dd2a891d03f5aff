import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { authReason } from '../api/errors.ts';
import { useSessionStore } from './session-context.tsx';
import { reasonFromServer } from './sign-out-reasons.ts';

/** How long to wait before subscribing again after the stream failed for a reason other than auth. */
const RESUBSCRIBE_AFTER_MS = 3000;

/**
 * Listens to `auth.sessionEvents` (SSE, authenticated by the access-token cookie) and signs the page
 * out the moment the session is revoked anywhere. Mounted once per access token (`key` = the
 * session's generation), so each refresh opens a stream with the new cookie; the old one closes.
 */
export function LiveSignOut() {
  const api = useApi();
  const session = useSessionStore();
  const [armed, setArmed] = useState(false);
  const subscription = useSubscription(
    api.auth.auth.sessionEvents.subscriptionOptions(undefined, {
      onData(event) {
        if (event.type === 'watching') setArmed(true);
        else if (event.type === 'revoked') session.revoked(reasonFromServer(event.reason));
        // The token this stream authenticated with expired before the scheduled refresh: refresh now.
        else void session.refresh();
      },
      onError(error) {
        setArmed(false);
        const reason = authReason(error);
        if (reason === 'TOKEN_REVOKED') session.revoked('revoked');
        else if (reason) void session.refresh();
      },
    }),
  );
  const { status, reset } = subscription;
  useEffect(() => {
    // A stream that failed (not over auth) or ended without a verdict: subscribe again shortly.
    if (status !== 'error' && status !== 'idle') return;
    setArmed(false);
    const timer = setTimeout(reset, RESUBSCRIBE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [status, reset]);

  const live = armed && status === 'pending';
  return (
    <p className="live-status" data-live={live} data-testid="live-status">
      <span className="live-dot" aria-hidden="true" />
      {live ? 'Live sign-out on' : 'Connecting live sign-out…'}
    </p>
  );
}
