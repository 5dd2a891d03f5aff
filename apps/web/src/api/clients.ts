import type { ActivityRouter } from '@revoke/activity/router';
import type { AuthRouter } from '@revoke/auth-app/router';
import { CSRF_HEADER } from '@revoke/contract';
import type { NotesRouter } from '@revoke/notes/router';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import type { WebConfig } from '../config.ts';
import { type RecoveryHooks, sessionRecoveryLink } from './session-recovery-link.ts';

/** A typed client per service. */
export interface ApiClients {
  auth: TRPCClient<AuthRouter>;
  notes: TRPCClient<NotesRouter>;
  activity: TRPCClient<ActivityRouter>;
}

/**
 * Plain JSON over HTTP to `${baseUrl}/trpc`, with the browser's cookies (`credentials: 'include'`:
 * the services are other origins of the same site) and the CSRF header on mutations only, so that
 * queries stay simple GETs without a CORS preflight.
 */
function httpLinkTo(baseUrl: string) {
  return httpLink({
    url: `${baseUrl}/trpc`,
    fetch: (url, init) => fetch(url, { ...(init as RequestInit), credentials: 'include' }),
    headers: ({ op }) => (op.type === 'mutation' ? { [CSRF_HEADER]: '1' } : {}),
  });
}

/** Subscriptions over SSE (EventSource with the cookies), everything else over {@link httpLinkTo}. */
function linksTo(baseUrl: string) {
  return splitLink({
    condition: (op) => op.type === 'subscription',
    true: httpSubscriptionLink({
      url: `${baseUrl}/trpc`,
      eventSourceOptions: { withCredentials: true },
    }),
    false: httpLinkTo(baseUrl),
  });
}

/** The three clients; subscriptions (the auth app's sign-out stream, notes' live list) go over SSE. */
export function createApiClients(config: WebConfig, hooks: RecoveryHooks): ApiClients {
  return {
    auth: createTRPCClient<AuthRouter>({
      links: [sessionRecoveryLink(hooks), linksTo(config.authUrl)],
    }),
    notes: createTRPCClient<NotesRouter>({
      links: [sessionRecoveryLink(hooks), linksTo(config.notesUrl)],
    }),
    activity: createTRPCClient<ActivityRouter>({
      links: [sessionRecoveryLink(hooks), httpLinkTo(config.activityUrl)],
    }),
  };
}
