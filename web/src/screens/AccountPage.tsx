import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type RefObject, useEffect, useId, useRef, useState } from 'react';
import type { Schemas } from '@mla/api-client';
import { QrCode } from '../components/QrCode';
import { errorText } from '../errors';
import { isMessageKey, type MessageKey, type Translate, useI18n } from '../i18n';
import { useApi, useMe } from '../session';

type Me = Schemas['MeDto'];
type ErrorBody = Partial<Schemas['ErrorResponseDto']> | undefined;

/**
 * The signed-in user's own account: who they are, their password and their authenticator app. A
 * session the API restricts (a password reset by an administrator, or a second factor the portal
 * requires and the account lacks) is brought here, and can do only what this screen offers.
 */
export function AccountPage() {
  const { t } = useI18n();
  const me = useMe();
  if (me.isPending) return <p role="status">{t('app.loading')}</p>;
  if (me.isError) return <p role="alert">{errorText(t, me.error)}</p>;
  const restriction = me.data.secondFactor.sessionRestriction;
  return (
    <section className="account" aria-labelledby="account-heading">
      <h1 id="account-heading">{t('account.heading')}</h1>
      {restriction && (
        <p role="alert" className="notice">
          {t(restriction === 'password_change' ? 'account.restricted.password' : 'account.restricted.mfa')}
        </p>
      )}
      <Profile me={me.data} />
      <PasswordForm />
      <SecondFactorPanel me={me.data} passwordFirst={restriction === 'password_change'} />
    </section>
  );
}

function Profile({ me }: { me: Me }) {
  const { t } = useI18n();
  const role = `account.role.${me.role}`;
  return (
    <section aria-labelledby="account-profile">
      <h2 id="account-profile">{t('account.profile')}</h2>
      <dl className="details">
        <dt>{t('account.name')}</dt>
        <dd>{me.displayName}</dd>
        <dt>{t('account.username')}</dt>
        <dd>{me.username}</dd>
        <dt>{t('account.role')}</dt>
        <dd>{isMessageKey(role) ? t(role) : me.role}</dd>
        <dt>{t('account.agency')}</dt>
        <dd>
          {me.agency.name} ({me.agency.code}, {me.agency.stateCode})
        </dd>
      </dl>
    </section>
  );
}

/** The reasons the password policy gives (src/modules/users/password-policy.ts), in the user's language. */
const POLICY_REASONS: [RegExp, MessageKey][] = [
  [/^must be at least (\d+) characters long$/, 'account.policy.tooShort'],
  [/^must be at most (\d+) characters long$/, 'account.policy.tooLong'],
  [/^must not contain your username$/, 'account.policy.username'],
  [/^is built from the name of this portal$/, 'account.policy.portalName'],
  [/^must differ from your current password$/, 'account.policy.sameAsCurrent'],
];

/** zxcvbn's warnings as the policy words them after "is too easy to guess: ". */
const GUESS_REASONS: Record<string, MessageKey> = {
  'it is one of the most commonly used passwords': 'account.guess.common',
  'it is very close to a commonly used password': 'account.guess.similar',
  'it is one of the ten most used passwords': 'account.guess.topTen',
  'it is one of the hundred most used passwords': 'account.guess.topHundred',
  'it is a row of keys on the keyboard': 'account.guess.row',
  'it is a short keyboard pattern': 'account.guess.pattern',
  'it repeats a few characters': 'account.guess.repeat',
  'it repeats a pattern': 'account.guess.repeatPattern',
  'it is a common sequence of characters': 'account.guess.sequence',
  'it relies on a recent year': 'account.guess.year',
  'it relies on a date': 'account.guess.date',
  'it contains your name, username or a word of this portal': 'account.guess.userInputs',
  'a single word is easy to guess': 'account.guess.word',
  'a single name is easy to guess': 'account.guess.name',
  'it resembles commonly used passwords': 'account.guess.resembles',
};

/**
 * One refusal of the new password, translated. The API words them in English for every client; a
 * reason this table does not know yet is shown as the API gave it rather than hidden.
 */
export function policyReason(message: string, t: Translate): string {
  const reason = message.replace(/^newPassword /, '');
  for (const [pattern, key] of POLICY_REASONS) {
    const match = pattern.exec(reason);
    if (match) return t(key, { count: match[1] ?? '' });
  }
  const guess = /^is too easy to guess: (.*)$/.exec(reason);
  if (guess) {
    const why = GUESS_REASONS[guess[1] ?? ''];
    return t('account.policy.guessable', { why: why ? t(why) : (guess[1] ?? '') });
  }
  return reason;
}

function fieldErrors(error: ErrorBody): { field: string; messages: string[] }[] {
  return Array.isArray(error?.details) ? error.details : [];
}

type PasswordOutcome =
  | { kind: 'changed' }
  | { kind: 'refused'; wrongCurrent: boolean; reasons: string[] }
  | { kind: 'failed'; message: string };

function PasswordForm() {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<PasswordOutcome | null>(null);
  const mismatch = repeat !== '' && next !== repeat;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== repeat) return;
    setSending(true);
    setOutcome(null);
    const { error, response } = await client
      .POST('/v1/auth/password', { body: { currentPassword: current, newPassword: next } })
      .catch(() => ({ error: undefined, response: undefined }));
    setSending(false);
    if (response?.ok) {
      setCurrent('');
      setNext('');
      setRepeat('');
      setOutcome({ kind: 'changed' });
      // The restriction of a reset password ends with the change: the application opens up.
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      return;
    }
    const details = fieldErrors(error);
    if (response?.status === 400 && details.length > 0) {
      setOutcome({
        kind: 'refused',
        wrongCurrent: details.some((detail) => detail.field === 'currentPassword'),
        reasons: details
          .filter((detail) => detail.field === 'newPassword')
          .flatMap((detail) => detail.messages.map((message) => policyReason(message, t))),
      });
      return;
    }
    setOutcome({
      kind: 'failed',
      message: response?.status === 429 ? t('login.rateLimited') : errorText(t, error),
    });
  }

  const refused = outcome?.kind === 'refused' ? outcome : null;
  return (
    <section aria-labelledby="account-password">
      <h2 id="account-password">{t('account.password.heading')}</h2>
      <form aria-labelledby="account-password" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor="account-current">{t('account.password.current')}</label>
          <input
            id="account-current"
            type="password"
            autoComplete="current-password"
            required
            aria-invalid={refused?.wrongCurrent || undefined}
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="account-new">{t('account.password.new')}</label>
          <input
            id="account-new"
            type="password"
            autoComplete="new-password"
            required
            aria-describedby="account-new-hint"
            aria-invalid={(refused && refused.reasons.length > 0) || undefined}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
          <span id="account-new-hint" className="hint">
            {t('account.password.hint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor="account-repeat">{t('account.password.repeat')}</label>
          <input
            id="account-repeat"
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={mismatch || undefined}
            aria-describedby={mismatch ? 'account-repeat-error' : undefined}
            value={repeat}
            onChange={(event) => setRepeat(event.target.value)}
          />
          {mismatch && (
            <span id="account-repeat-error" className="error">
              {t('account.password.mismatch')}
            </span>
          )}
        </div>
        <div role="alert" className="error">
          {refused?.wrongCurrent && <p>{t('account.password.wrongCurrent')}</p>}
          {refused && refused.reasons.length > 0 && (
            <>
              <p>{t('account.password.refused')}</p>
              <ul>
                {refused.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            </>
          )}
          {outcome?.kind === 'failed' && <p>{outcome.message}</p>}
        </div>
        <p role="status">{outcome?.kind === 'changed' ? t('account.password.changed') : ''}</p>
        <button type="submit" disabled={sending || mismatch}>
          {sending ? t('account.password.changing') : t('account.password.submit')}
        </button>
      </form>
    </section>
  );
}

type Stage =
  | { kind: 'idle' }
  | { kind: 'step-up'; then: 'enrol' | 'renew' }
  | { kind: 'enrolling'; secret: string; otpauthUri: string }
  | { kind: 'codes'; codes: string[]; after: 'enrol' | 'renew' };

/**
 * The authenticator app (TOTP): enrol, replace it, or renew the recovery codes. A session that must
 * change its password first sees the state but no actions: the API refuses them to it (step-up and
 * recovery codes are not among the routes a restricted session may call).
 */
function SecondFactorPanel({ me, passwordFirst }: { me: Me; passwordFirst: boolean }) {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const stageHeading = useRef<HTMLHeadingElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  const renewButton = useRef<HTMLButtonElement>(null);
  const started = useRef<'enrol' | 'renew' | null>(null);
  const { enrolled, required, recoveryCodesLeft } = me.secondFactor;

  // Each step's heading takes the focus, so a screen reader hears where the flow went; back at the
  // start (cancelled, or finished), the button that began it does, rather than the page's body.
  useEffect(() => {
    if (stage.kind !== 'idle') {
      stageHeading.current?.focus();
    } else if (started.current) {
      (started.current === 'renew' ? renewButton : startButton).current?.focus();
      started.current = null;
    }
  }, [stage.kind]);

  /** Starts enrolment, or renews the codes; the API asks for a fresh authentication where it must. */
  async function run(action: 'enrol' | 'renew') {
    setBusy(true);
    setFailure(null);
    setDone(null);
    started.current = action;
    const code = await (action === 'enrol' ? startEnrolment() : renewCodes()).catch(() => 'network');
    setBusy(false);
    if (code === 'auth.step_up_required') setStage({ kind: 'step-up', then: action });
    else if (code !== null) setFailure(errorText(t, code));
  }

  /** Each returns the error's code, or null once the next stage is shown. */
  async function startEnrolment(): Promise<string | null> {
    const { data, error } = await client.POST('/v1/auth/mfa/totp');
    if (!data) return error?.code ?? '';
    setStage({ kind: 'enrolling', secret: data.secret, otpauthUri: data.otpauthUri });
    return null;
  }

  async function renewCodes(): Promise<string | null> {
    const { data, error } = await client.POST('/v1/auth/mfa/recovery-codes');
    if (!data) return error?.code ?? '';
    setStage({ kind: 'codes', codes: data.recoveryCodes, after: 'renew' });
    return null;
  }

  async function finish(after: 'enrol' | 'renew') {
    setStage({ kind: 'idle' });
    setDone(t(after === 'enrol' ? 'account.mfa.done' : 'account.codes.renewed'));
    // Enrolment lifts an enrolment restriction and changes the counts shown here.
    await queryClient.invalidateQueries({ queryKey: ['me'] });
  }

  return (
    <section aria-labelledby="account-mfa">
      <h2 id="account-mfa">{t('account.mfa.heading')}</h2>
      <p>
        {enrolled
          ? t('account.mfa.enrolled', { count: recoveryCodesLeft })
          : t(required ? 'account.mfa.requiredNone' : 'account.mfa.none')}
      </p>
      {passwordFirst && <p className="notice">{t('account.mfa.passwordFirst')}</p>}
      {stage.kind === 'idle' && !passwordFirst && (
        <div className="buttons">
          <button ref={startButton} type="button" disabled={busy} onClick={() => void run('enrol')}>
            {t(enrolled ? 'account.mfa.replace' : 'account.mfa.start')}
          </button>
          {enrolled && (
            <button ref={renewButton} type="button" disabled={busy} onClick={() => void run('renew')}>
              {t('account.mfa.renewCodes')}
            </button>
          )}
        </div>
      )}
      <p role="alert" className="error">
        {failure ?? ''}
      </p>
      <p role="status">{done ?? ''}</p>
      {stage.kind === 'step-up' && (
        <StepUp
          headingRef={stageHeading}
          onCancel={() => setStage({ kind: 'idle' })}
          onDone={() => void run(stage.then)}
        />
      )}
      {stage.kind === 'enrolling' && (
        <Enrolment
          headingRef={stageHeading}
          secret={stage.secret}
          otpauthUri={stage.otpauthUri}
          onCancel={() => setStage({ kind: 'idle' })}
          onConfirmed={(codes) => setStage({ kind: 'codes', codes, after: 'enrol' })}
        />
      )}
      {stage.kind === 'codes' && (
        <section className="recovery" aria-labelledby="account-codes">
          <h3 id="account-codes" ref={stageHeading} tabIndex={-1}>
            {t('account.codes.heading')}
          </h3>
          <p className="notice">{t('account.codes.warning')}</p>
          <ol className="recovery-codes" aria-label={t('account.codes.heading')}>
            {stage.codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => void finish(stage.after)}>
            {t('account.codes.stored')}
          </button>
        </section>
      )}
    </section>
  );
}

interface StepProps {
  headingRef: RefObject<HTMLHeadingElement | null>;
  onCancel: () => void;
}

/** "123456" → "1234 5678…": a base32 secret in groups of four, easier to type by hand. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(' ') ?? secret;

function Enrolment({
  headingRef,
  secret,
  otpauthUri,
  onCancel,
  onConfirmed,
}: StepProps & { secret: string; otpauthUri: string; onConfirmed: (codes: string[]) => void }) {
  const { t } = useI18n();
  const client = useApi();
  const [code, setCode] = useState('');
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setFailure(null);
    const { data, error, response } = await client
      .POST('/v1/auth/mfa/totp/confirm', { body: { code } })
      .catch(() => ({ data: undefined, error: undefined, response: undefined }));
    setSending(false);
    if (data) return onConfirmed(data.recoveryCodes);
    setCode('');
    setFailure(
      response?.status === 400
        ? t('account.enrol.wrongCode')
        : response?.status === 429
          ? t('login.rateLimited')
          : errorText(t, error),
    );
  }

  return (
    <section className="enrolment" aria-labelledby="account-enrol">
      <h3 id="account-enrol" ref={headingRef} tabIndex={-1}>
        {t('account.enrol.heading')}
      </h3>
      <p>{t('account.enrol.scan')}</p>
      <QrCode value={otpauthUri} label={t('account.enrol.qr')} />
      <p>{t('account.enrol.manual')}</p>
      <p>
        <code id="totp-secret" className="secret">
          {grouped(secret)}
        </code>
      </p>
      <form aria-labelledby="account-enrol" onSubmit={(event) => void confirm(event)}>
        <div className="field">
          <label htmlFor="account-enrol-code">{t('account.enrol.code')}</label>
          <input
            id="account-enrol-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            value={code}
            onChange={(event) => setCode(event.target.value.trim())}
          />
        </div>
        <p role="alert" className="error">
          {failure ?? ''}
        </p>
        <div className="buttons">
          <button type="submit" disabled={sending}>
            {t('account.enrol.confirm')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('account.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * Authenticate again (POST /v1/auth/step-up) before the API lets an enrolled authenticator be
 * replaced or the recovery codes be renewed: with the app's current code, or a recovery code. (Only
 * an account with a second factor meets this here: enrolling a first one needs no step-up.)
 */
function StepUp({ headingRef, onCancel, onDone }: StepProps & { onDone: () => void }) {
  const { t } = useI18n();
  const client = useApi();
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const inputId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setFailure(null);
    const body = useRecovery ? { recoveryCode: value.trim() } : { totp: value.trim() };
    const { data, error, response } = await client
      .POST('/v1/auth/step-up', { body })
      .catch(() => ({ data: undefined, error: undefined, response: undefined }));
    setSending(false);
    setValue('');
    if (data) return onDone();
    setFailure(
      response?.status === 401 || response?.status === 400
        ? t('account.stepUp.wrong')
        : response?.status === 429
          ? t('login.rateLimited')
          : errorText(t, error),
    );
  }

  return (
    <section className="step-up" aria-labelledby="account-step-up">
      <h3 id="account-step-up" ref={headingRef} tabIndex={-1}>
        {t('account.stepUp.heading')}
      </h3>
      <p>{t('account.stepUp.why')}</p>
      <form aria-labelledby="account-step-up" onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={inputId}>{t(useRecovery ? 'login.recoveryCode' : 'login.totp')}</label>
          <input
            id={inputId}
            key={String(useRecovery)}
            inputMode={useRecovery ? undefined : 'numeric'}
            autoComplete={useRecovery ? 'off' : 'one-time-code'}
            pattern={useRecovery ? undefined : '\\d{6}'}
            maxLength={useRecovery ? 64 : 6}
            required
            value={value}
            onChange={(event) => setValue(event.target.value)}
          />
        </div>
        <p>
          <button type="button" className="link" onClick={() => setUseRecovery(!useRecovery)}>
            {useRecovery ? t('login.useTotp') : t('login.useRecoveryCode')}
          </button>
        </p>
        <p role="alert" className="error">
          {failure ?? ''}
        </p>
        <div className="buttons">
          <button type="submit" disabled={sending}>
            {t('account.stepUp.submit')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('account.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
