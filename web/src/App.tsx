import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { LanguageSwitcher } from './components/LanguageSwitcher';
import { useI18n } from './i18n';
import { followLink, navigate, useLocation } from './router';
import { AccountPage } from './screens/AccountPage';
import { AuditPage } from './screens/AuditPage';
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
  // Home is the first screen the user may use: an auditor reads no request, and a list the API
  // refuses would only put access.denied entries in the log at every sign-in.
  const permissions = me.data?.permissions ?? [];
  const home =
    permissions.includes('audit.read') && !permissions.includes('request.read') ? '/audit' : '/requests';
  // A restricted session (a reset password, a second factor still to enrol) can only finish its
  // account's set-up: the API refuses it everything else, so it is taken to the account screen.
  const restricted = Boolean(me.data?.secondFactor.sessionRestriction);
  useEffect(() => {
    if (me.isPending) return;
    if (restricted && path !== '/account') navigate('/account', { replace: true });
    else if (path === '/' || path === '/login') navigate(home, { replace: true });
  }, [path, restricted, home, me.isPending]);
  if (me.isPending) return <p role="status">{t('app.loading')}</p>;
  if (restricted || path === '/account') return <AccountPage />;
  if (path === '/requests') return <RequestsList search={search} />;
  if (path === '/requests/new') return <RequestWizard />;
  if (path === '/audit') return <AuditPage search={search} />;
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
      {me.data?.permissions.includes('request.read') && (
        <a href="/requests" onClick={followLink}>
          {t('nav.requests')}
        </a>
      )}
      {me.data?.permissions.includes('audit.read') && (
        <a href="/audit" onClick={followLink}>
          {t('nav.audit')}
        </a>
      )}
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
