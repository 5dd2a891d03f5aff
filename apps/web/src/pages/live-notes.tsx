import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { authReason } from '../api/errors.ts';
import { useSessionStore } from '../session/session-context.tsx';

/** How long to wait before subscribing again after the stream failed for a reason other than auth. */
const RESUBSCRIBE_AFTER_MS = 3000;
/**
 * When notes ends the stream with TOKEN_REVOKED, the auth app's sign-out stream (`LiveSignOut`) says
 * why (logged out everywhere, device revoked, …) at about the same moment: give it this long to, then
 * sign out with the generic reason (the auth app's stream may be down).
 */
const REASON_GRACE_MS = 1500;

/**
 * Subscribes to `notes.live` (SSE, authenticated by the access-token cookie) and keeps the cached
 * `notes.list` up to date with every change, from this tab or any other device. When notes ends the
 * stream because the session was revoked, the page signs out, as with the auth app's sign-out stream.
 * Mounted once per access token (`key` = the session's generation), like `LiveSignOut`.
 */
export function LiveNotes() {
  const api = useApi();
  const queryClient = useQueryClient();
  const session = useSessionStore();
  const [revoked, setRevoked] = useState(false);
  const subscription = useSubscription(
    api.notes.notes.live.subscriptionOptions(undefined, {
      onData(list) {
        queryClient.setQueryData(api.notes.notes.list.queryKey(), list);
      },
      onError(error) {
        const reason = authReason(error);
        if (reason === 'TOKEN_REVOKED') setRevoked(true);
        else if (reason) void session.refresh();
      },
    }),
  );
  useEffect(() => {
    if (!revoked) return;
    // A no-op when the page signed out meanwhile.
    const timer = setTimeout(() => session.revoked('revoked'), REASON_GRACE_MS);
    return () => clearTimeout(timer);
  }, [revoked, session]);
  const { status, reset } = subscription;
  useEffect(() => {
    if (revoked || (status !== 'error' && status !== 'idle')) return;
    const timer = setTimeout(reset, RESUBSCRIBE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [revoked, status, reset]);

  const live = status === 'pending' && subscription.data !== undefined;
  return (
    <p className="live-status" data-live={live} data-testid="notes-live-status">
      <span className="live-dot" aria-hidden="true" />
      {live ? 'Live: changes from your other devices appear here' : 'Connecting live notes…'}
    </p>
  );
}
