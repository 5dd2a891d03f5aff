import { QueryClient } from '@tanstack/react-query';
import { type ApiClients, createApiClients } from './api/clients.ts';
import { authReason } from './api/errors.ts';
import type { WebConfig } from './config.ts';
import type { CrossTab } from './session/cross-tab.ts';
import { SessionStore } from './session/session-store.ts';

/** Everything the page runs on, built once at start-up by `main.tsx` (or a test). */
export interface AppServices {
  queryClient: QueryClient;
  clients: ApiClients;
  session: SessionStore;
}

/** Builds the query cache, the three typed clients and the session store, wired to each other. */
export function createAppServices(config: WebConfig, tabs: CrossTab): AppServices {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A refused credential is not retried blindly (the session link already refreshed once).
        retry: (failures, error) => !authReason(error) && failures < 2,
      },
    },
  });
  // The clients' recovery link and the store need each other: the link calls the store lazily.
  const hooks = {
    signedIn: () => session.getState().status === 'signed-in',
    refresh: () => session.refresh(),
    revoked: (reason: Parameters<SessionStore['revoked']>[0]) => session.revoked(reason),
  };
  const clients = createApiClients(config, hooks);
  const session: SessionStore = new SessionStore({
    api: {
      me: () => clients.auth.auth.me.query(),
      // `{}`, not nothing: the procedure has an (optional) input, and tRPC refuses an empty body as
      // invalid JSON (400) before the input is even looked at. The refresh token comes from the cookie.
      refresh: () => clients.auth.auth.refresh.mutate({}),
      logout: () => clients.auth.auth.logout.mutate(),
    },
    tabs,
    refreshAt: config.refreshAt,
    onSignedOut: () => queryClient.clear(),
  });
  return { queryClient, clients, session };
}
