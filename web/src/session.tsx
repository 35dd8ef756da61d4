import { useQuery } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { ApiClient } from '@mla/api-client';
import type { Session, SessionState } from './api';

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function useSessionState(): SessionState {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.getState);
}

export function useApi(): ApiClient {
  return useSession().client;
}

/**
 * The signed-in user (GET /v1/auth/me): name, role, agency and permissions. One query, cached under
 * one key, for the header and every screen that shows or hides what the user may do.
 */
export function useMe() {
  const client = useApi();
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/auth/me');
      if (!data) throw new Error(error?.code ?? 'me');
      return data;
    },
  });
}
