import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { SessionState, SessionStore } from './session-store.ts';

const SessionContext = createContext<SessionStore | null>(null);

export function SessionProvider(props: { store: SessionStore; children: ReactNode }) {
  return <SessionContext.Provider value={props.store}>{props.children}</SessionContext.Provider>;
}

/** The session store. */
export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('useSessionStore() outside <SessionProvider>');
  return store;
}

/** The current session state; re-renders on every change. */
export function useSession(): SessionState {
  const store = useSessionStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}
