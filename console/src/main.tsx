import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProblem } from './api/client';
import { SESSION_KEY } from './api/session';
import { App } from './App';
import './styles.css';

const queryClient: QueryClient = new QueryClient({
  // A read answered 401: the session ended (signed out elsewhere, expired): back to the sign-in page.
  queryCache: new QueryCache({
    onError(error, query) {
      if (error instanceof ApiProblem && error.status === 401 && query.queryKey !== SESSION_KEY)
        queryClient.setQueryData(SESSION_KEY, null);
    },
  }),
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network error or a 5xx may.
      retry: (count, error) => !(error instanceof ApiProblem && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
