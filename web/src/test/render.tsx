import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Session } from '../api';
import { I18nProvider, type Language } from '../i18n';
import { SessionProvider } from '../session';

/**
 * Renders `ui` as the application would (a session, a query cache that does not retry, the
 * catalogue of `language`) over `session`, whose fetch is usually fakeFetch's. One query cache per
 * render: no test sees another's data.
 */
export function renderInPortal(ui: ReactElement, session: Session, language: Language = 'en') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <I18nProvider language={language}>{ui}</I18nProvider>
      </QueryClientProvider>
    </SessionProvider>,
  );
}

/** A session on the fake API, signed out (the fake answers whatever it is asked). */
export function fakeSession(fetchImpl: typeof fetch): Session {
  return new Session('http://portal.test', null, fetchImpl);
}
