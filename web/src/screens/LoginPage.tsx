import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { LoginResult, SecondFactor } from '../api';
import { type MessageKey, useI18n } from '../i18n';
import { useSession } from '../session';

const FAILURES: Record<Exclude<LoginResult, { ok: true }>['code'], MessageKey> = {
  mfa_required: 'login.mfaRequired',
  invalid_credentials: 'login.invalid',
  rate_limited: 'login.rateLimited',
  failed: 'login.failed',
};

export function LoginPage({ reason }: { reason?: 'expired' | 'logout' }) {
  const { t } = useI18n();
  const session = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [recoveryCode, setRecoveryCode] = useState('');
  // Shown once the API said this account needs its second factor.
  const [needsCode, setNeedsCode] = useState(false);
  // The API takes one recovery code in place of the app's code (the phone lost or not at hand).
  const [useRecovery, setUseRecovery] = useState(false);
  const [message, setMessage] = useState<MessageKey | null>(
    reason === 'expired' ? 'login.expired' : reason === 'logout' ? 'login.loggedOut' : null,
  );
  const [sending, setSending] = useState(false);
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (needsCode) codeInput.current?.focus();
  }, [needsCode, useRecovery]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    const secondFactor: SecondFactor | undefined = !needsCode
      ? undefined
      : useRecovery
        ? { recoveryCode: recoveryCode.trim() }
        : { totp };
    const result = await session
      .login(username, password, secondFactor)
      .catch((): LoginResult => ({ ok: false, code: 'failed' }));
    setSending(false);
    if (result.ok) return;
    if (result.code === 'mfa_required') setNeedsCode(true);
    setMessage(FAILURES[result.code]);
  }

  return (
    <section className="login" aria-labelledby="login-heading">
      <h1 id="login-heading">{t('login.heading')}</h1>
      <form onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        {needsCode && !useRecovery && (
          <div className="field">
            <label htmlFor="login-totp">{t('login.totp')}</label>
            <input
              id="login-totp"
              ref={codeInput}
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              value={totp}
              onChange={(event) => setTotp(event.target.value)}
            />
          </div>
        )}
        {needsCode && useRecovery && (
          <div className="field">
            <label htmlFor="login-recovery">{t('login.recoveryCode')}</label>
            <input
              id="login-recovery"
              ref={codeInput}
              name="recoveryCode"
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
              required
              value={recoveryCode}
              onChange={(event) => setRecoveryCode(event.target.value)}
            />
          </div>
        )}
        {needsCode && (
          <p>
            <button type="button" className="link" onClick={() => setUseRecovery(!useRecovery)}>
              {useRecovery ? t('login.useTotp') : t('login.useRecoveryCode')}
            </button>
          </p>
        )}
        <p role="alert" className="message">
          {message ? t(message) : ''}
        </p>
        <button type="submit" disabled={sending}>
          {sending ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </section>
  );
}
