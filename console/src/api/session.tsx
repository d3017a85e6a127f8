import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, ApiProblem, setCsrfToken, unwrap } from './client';

const fetchSession = () => unwrap(api.GET('/v1/session'));
export type Session = Awaited<ReturnType<typeof fetchSession>>;
export type SessionUser = Session['user'];

/** GET /v1/session: the person signed in with this browser's cookie, or null. */
async function readSession(): Promise<Session | null> {
  try {
    const session = await fetchSession();
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) {
      setCsrfToken(undefined);
      return null;
    }
    throw error;
  }
}

export const SESSION_KEY = ['session'] as const;

/** Forgets every answer read as the previous person (the session's own query stays: App watches it). */
const forgetOthers = (queryClient: QueryClient) =>
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });

interface SessionState {
  user: SessionUser;
  signOut(): void;
}
const SessionContext = createContext<SessionState | undefined>(undefined);

export const useSessionQuery = () => useQuery({ queryKey: SESSION_KEY, queryFn: readSession, staleTime: Infinity });

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => unwrap(api.POST('/v1/session', { body })),
    onSuccess(session) {
      setCsrfToken(session.csrfToken);
      forgetOthers(queryClient);
      queryClient.setQueryData(SESSION_KEY, session);
    },
  });
}

export function SessionProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/session')),
    onSettled() {
      setCsrfToken(undefined);
      forgetOthers(queryClient);
      queryClient.setQueryData(SESSION_KEY, null);
    },
  });
  return (
    <SessionContext.Provider value={{ user, signOut: () => signOut.mutate() }}>{children}</SessionContext.Provider>
  );
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
