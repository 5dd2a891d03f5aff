import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.tsx';
import { App } from './app.tsx';
import { createAppServices } from './app-services.ts';
import { builtConfig } from './config.ts';
import { browserCrossTab } from './session/cross-tab.ts';
import { SessionProvider } from './session/session-context.tsx';
import './styles.css';

const { queryClient, clients, session } = createAppServices(builtConfig(), browserCrossTab());
void session.start();
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') session.refreshIfDue();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ApiProvider clients={clients} queryClient={queryClient}>
        <SessionProvider store={session}>
          <App />
        </SessionProvider>
      </ApiProvider>
    </QueryClientProvider>
  </StrictMode>,
);
