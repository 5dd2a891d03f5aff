import type { ActivityRouter } from '@revoke/activity/router';
import type { AuthRouter } from '@revoke/auth-app/router';
import type { NotesRouter } from '@revoke/notes/router';
import type { QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { ApiClients } from './clients.ts';

/** TanStack Query options factories for each service (`api.notes.notes.list.queryOptions()`). */
export interface Api {
  auth: TRPCOptionsProxy<AuthRouter>;
  notes: TRPCOptionsProxy<NotesRouter>;
  activity: TRPCOptionsProxy<ActivityRouter>;
}

const ApiContext = createContext<Api | null>(null);

/** Provides {@link Api} for three routers (createTRPCContext makes one provider per router; one context is simpler). */
export function ApiProvider(props: { clients: ApiClients; queryClient: QueryClient; children: ReactNode }) {
  const { clients, queryClient } = props;
  const api = useMemo<Api>(
    () => ({
      auth: createTRPCOptionsProxy<AuthRouter>({ client: clients.auth, queryClient }),
      notes: createTRPCOptionsProxy<NotesRouter>({ client: clients.notes, queryClient }),
      activity: createTRPCOptionsProxy<ActivityRouter>({ client: clients.activity, queryClient }),
    }),
    [clients, queryClient],
  );
  return <ApiContext.Provider value={api}>{props.children}</ApiContext.Provider>;
}

/** The typed options proxies of the three services. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() outside <ApiProvider>');
  return api;
}
