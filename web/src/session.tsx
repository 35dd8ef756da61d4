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
