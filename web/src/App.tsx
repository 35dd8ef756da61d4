import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { LanguageSwitcher } from './components/LanguageSwitcher';
import { useI18n } from './i18n';
import { followLink, navigate, useLocation } from './router';
import { AccountPage } from './screens/AccountPage';
import { LoginPage } from './screens/LoginPage';
import { RequestPage } from './screens/RequestPage';
import { RequestWizard } from './screens/RequestWizard';
import { RequestsList } from './screens/RequestsList';
import { useMe, useSession, useSessionState } from './session';

const REQUEST_PATH = /^\/requests\/([0-9a-f-]{36})$/i;

export function App() {
  const { t } = useI18n();
  const state = useSessionState();
  const queryClient = useQueryClient();
  const location = useLocation();
  const [path, search = ''] = location.split('?');

  // Nothing of one user's data outlives their session in the cache.
  useEffect(() => {
    if (state.status === 'signed-out') queryClient.clear();
  }, [state.status, queryClient]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <span className="app-title">{t('app.title')}</span>
        {state.status === 'signed-in' && <SignedInNav />}
        <LanguageSwitcher />
      </header>
      <main id="main" tabIndex={-1}>
        {state.status === 'signed-out' ? (
          <LoginPage reason={state.reason} />
        ) : (
          <Screen path={path ?? '/'} search={search} />
        )}
      </main>
    </>
  );
}

function Screen({ path, search }: { path: string; search: string }) {
  const { t } = useI18n();
  const me = useMe();
  // A restricted session (a reset password, a second factor still to enrol) can only finish its
  // account's set-up: the API refuses it everything else, so it is taken to the account screen.
  const restricted = Boolean(me.data?.secondFactor.sessionRestriction);
  useEffect(() => {
    if (restricted && path !== '/account') navigate('/account', { replace: true });
    else if (path === '/' || path === '/login') navigate('/requests', { replace: true });
  }, [path, restricted]);
  if (me.isPending) return <p role="status">{t('app.loading')}</p>;
  if (restricted || path === '/account') return <AccountPage />;
  if (path === '/requests') return <RequestsList search={search} />;
  if (path === '/requests/new') return <RequestWizard />;
  const match = REQUEST_PATH.exec(path);
  if (match?.[1]) return <RequestPage key={match[1]} id={match[1]} />;
  if (path === '/' || path === '/login') return null;
  return <p>{t('app.notFound')}</p>;
}

function SignedInNav() {
  const { t } = useI18n();
  const session = useSession();
  const me = useMe();
  return (
    <nav aria-label={t('app.title')} className="app-nav">
      <a href="/requests" onClick={followLink}>
        {t('nav.requests')}
      </a>
      <a href="/account" onClick={followLink}>
        {t('nav.account')}
      </a>
      {me.data && <span>{t('nav.signedInAs', { name: me.data.displayName })}</span>}
      <button type="button" onClick={() => void session.logout()}>
        {t('nav.logout')}
      </button>
    </nav>
  );
}
