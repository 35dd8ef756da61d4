import { type FormEvent, useId, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { ApiClient, Schemas } from '@mla/api-client';
import { useI18n } from '../i18n';
import { type ErrorSource, errorText, isStale } from '../errors';
import { groundLabel } from '../labels';
import { ConditionFields, type ConditionType } from './ConditionFields';

export type Action = Schemas['TransitionDto']['action'];
type Transition = Schemas['TransitionDto'];
type Outcome = Schemas['ItemOutcomeInputDto']['outcome'];
export type ActionBarRequest = Pick<
  Schemas['RequestDto'],
  | 'id'
  | 'version'
  | 'type'
  | 'legalBasis'
  | 'profileVersion'
  | 'allowedActions'
  | 'requestedItems'
  | 'requestedAgency'
>;

/** The actions whose reason the API requires (TransitionDto.reason). */
const NEEDS_REASON: ReadonlySet<Action> = new Set<Action>([
  'return_to_draft',
  'request_clarification',
  'answer_clarification',
  'submit_answer',
  'return_answer',
  'start_consultation',
  'propose_conditions',
  'reject_conditions',
  'refuse',
  'postpone',
  'resume',
  'withdraw',
]);
/** Grounds come from the request's own instrument profile: only those that apply are offered. */
const GROUNDS: Partial<Record<Action, 'refusal' | 'postponement' | 'either'>> = {
  refuse: 'refusal',
  postpone: 'postponement',
  start_consultation: 'either',
};
const OUTCOMES: readonly Outcome[] = ['executed', 'refused', 'impossible'];

/**
 * The actions the signed-in user may take on the request now: exactly the request's
 * `allowedActions`, each behind a small confirmation form asking for what the API needs for it.
 */
export function ActionBar({
  request,
  client,
  onDone,
  inThread,
  onStale,
}: {
  request: ActionBarRequest;
  client: ApiClient;
  onDone?: (updated: Schemas['RequestDto']) => void;
  /** The request shown is out of date (the API refused the version sent): the page reads it again. */
  onStale?: () => void;
  /**
   * Actions whose words are a message of the thread (a clarification's question, its answer): their
   * button leads to the thread's message box, with that kind chosen, instead of a form of its own.
   */
  inThread?: { actions: ReadonlySet<Action>; open: (action: Action) => void };
}) {
  const { t } = useI18n();
  const headingId = useId();
  const [open, setOpen] = useState<Action | null>(null);
  const [status, setStatus] = useState<{ kind: 'done' | 'failed'; text: string } | null>(null);

  return (
    <section aria-labelledby={headingId} className="action-bar">
      <h2 id={headingId}>{t('actions.heading')}</h2>
      {request.allowedActions.length === 0 ? (
        <p>{t('actions.none')}</p>
      ) : (
        <div role="toolbar" aria-labelledby={headingId} className="toolbar">
          {request.allowedActions.map((action) => (
            <button
              key={action}
              type="button"
              aria-expanded={open === action}
              onClick={() => {
                if (inThread?.actions.has(action)) {
                  setOpen(null);
                  setStatus({ kind: 'done', text: t('actions.inThread') });
                  inThread.open(action);
                  return;
                }
                setStatus(null);
                setOpen(open === action ? null : action);
              }}
            >
              {t(`action.${action}`)}
            </button>
          ))}
        </div>
      )}
      {open && (
        <ActionForm
          key={open}
          action={open}
          request={request}
          client={client}
          onCancel={() => setOpen(null)}
          onDone={(updated) => {
            setStatus({ kind: 'done', text: t('actions.done', { action: t(`action.${open}`) }) });
            setOpen(null);
            onDone?.(updated);
          }}
          onFailed={(error) => {
            if (isStale(error)) {
              setOpen(null);
              setStatus({ kind: 'failed', text: t('actions.stale') });
              onStale?.();
            } else setStatus({ kind: 'failed', text: t('actions.failed', { message: errorText(t, error) }) });
          }}
        />
      )}
      <p role="status" className={status?.kind === 'failed' ? 'error' : undefined}>
        {status?.text}
      </p>
    </section>
  );
}

function ActionForm({
  action,
  request,
  client,
  onCancel,
  onDone,
  onFailed,
}: {
  action: Action;
  request: ActionBarRequest;
  client: ApiClient;
  onCancel: () => void;
  onDone: (updated: Schemas['RequestDto']) => void;
  onFailed: (error: ErrorSource) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const label = t(`action.${action}`);
  const groundsKind = GROUNDS[action];
  const [reason, setReason] = useState('');
  const [grounds, setGrounds] = useState<string[]>([]);
  const [resumeAt, setResumeAt] = useState('');
  const [skippedReason, setSkippedReason] = useState('');
  const [routing, setRouting] = useState(false);
  const [agencyId, setAgencyId] = useState('');
  const [conditionType, setConditionType] = useState<ConditionType>('cond_confidential');
  const [conditionText, setConditionText] = useState('');
  const [outcomes, setOutcomes] = useState<Record<string, { outcome: Outcome; reason: string }>>({});
  const [sending, setSending] = useState(false);

  const profile = useQuery({
    queryKey: ['profile', request.legalBasis, request.profileVersion],
    enabled: groundsKind !== undefined,
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/profiles/{legalBasis}', {
        params: {
          path: { legalBasis: request.legalBasis },
          query: { version: String(request.profileVersion) },
        },
      });
      if (!data) throw new Error(error?.code ?? 'profile');
      return data;
    },
  });
  const agencies = useQuery({
    queryKey: ['agencies', request.requestedAgency.stateCode],
    enabled: action === 'assess',
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/agencies', {
        params: { query: { stateCode: request.requestedAgency.stateCode } },
      });
      if (!data) throw new Error(error?.code ?? 'agencies');
      return data;
    },
  });
  const rules = profile.data?.requestTypes[request.type];
  const offeredGrounds =
    groundsKind === 'refusal'
      ? (rules?.refusalGrounds ?? [])
      : groundsKind === 'postponement'
        ? (rules?.postponementGrounds ?? [])
        : [...(rules?.refusalGrounds ?? []), ...(rules?.postponementGrounds ?? [])];

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Transition = { action };
    if (NEEDS_REASON.has(action)) body.reason = reason;
    if (groundsKind) body.grounds = grounds;
    if (action === 'postpone' && resumeAt) body.expectedResumeAt = new Date(resumeAt).toISOString();
    if ((action === 'refuse' || action === 'postpone') && skippedReason)
      body.consultationSkippedReason = skippedReason;
    if (action === 'assess' && routing && agencyId) body.executingAgencyId = agencyId;
    if (action === 'propose_conditions') body.conditions = [{ type: conditionType, text: conditionText }];
    if (action === 'mark_partially_executed')
      body.itemOutcomes = (request.requestedItems ?? []).map((item) => {
        const chosen = outcomes[item] ?? { outcome: 'executed' as const, reason: '' };
        return chosen.outcome === 'executed'
          ? { item, outcome: chosen.outcome }
          : { item, outcome: chosen.outcome, reason: chosen.reason };
      });
    setSending(true);
    try {
      const { data, error } = await client.POST('/v1/requests/{id}/transitions', {
        params: { path: { id: request.id }, header: { 'If-Match': `"${request.version}"` } },
        body,
      });
      if (data) onDone(data);
      else onFailed(error);
    } catch {
      // openapi-fetch answers every HTTP status: a throw is the network failing.
      onFailed('network');
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="action-form" aria-label={label} onSubmit={(event) => void submit(event)}>
      {NEEDS_REASON.has(action) && (
        <div className="field">
          <label htmlFor={`${id}-reason`}>{t('actions.reason')}</label>
          <textarea
            id={`${id}-reason`}
            required
            maxLength={10000}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
      )}
      {groundsKind && (
        <fieldset>
          <legend>{t('actions.grounds')}</legend>
          {offeredGrounds.map((ground) => (
            <label key={ground} className="check">
              <input
                type="checkbox"
                checked={grounds.includes(ground)}
                onChange={(event) =>
                  setGrounds(
                    event.target.checked ? [...grounds, ground] : grounds.filter((code) => code !== ground),
                  )
                }
              />
              {/* In words, with the code the profiles and the instruments' commentaries use. */}
              {groundLabel(t, ground)} (<code>{ground}</code>)
            </label>
          ))}
        </fieldset>
      )}
      {action === 'postpone' && (
        <div className="field">
          <label htmlFor={`${id}-resume`}>{t('actions.expectedResumeAt')}</label>
          <input
            id={`${id}-resume`}
            type="datetime-local"
            required
            value={resumeAt}
            onChange={(event) => setResumeAt(event.target.value)}
          />
        </div>
      )}
      {(action === 'refuse' || action === 'postpone') && (
        <div className="field">
          <label htmlFor={`${id}-skipped`}>{t('actions.consultationSkipped')}</label>
          <textarea
            id={`${id}-skipped`}
            maxLength={5000}
            value={skippedReason}
            onChange={(event) => setSkippedReason(event.target.value)}
          />
        </div>
      )}
      {action === 'assess' && (
        // T7: assessment is where the central authority routes the request to an executing agency
        // of its own state (the API checks the state); keeping it is the default.
        <fieldset>
          <legend>{t('actions.routing')}</legend>
          <label className="check">
            <input
              type="radio"
              name={`${id}-routing`}
              checked={!routing}
              onChange={() => {
                setRouting(false);
                setAgencyId('');
              }}
            />
            {t('actions.keepHere', { agency: request.requestedAgency.name })}
          </label>
          <label className="check">
            <input type="radio" name={`${id}-routing`} checked={routing} onChange={() => setRouting(true)} />
            {t('actions.routeTo', { state: request.requestedAgency.stateCode })}
          </label>
          {routing && (
            <div className="field">
              <label htmlFor={`${id}-agency`}>{t('actions.executingAgency')}</label>
              <select
                id={`${id}-agency`}
                required
                aria-describedby={`${id}-routing-hint`}
                value={agencyId}
                onChange={(event) => setAgencyId(event.target.value)}
              >
                <option value="">—</option>
                {(agencies.data ?? [])
                  .filter((agency) => agency.active && agency.id !== request.requestedAgency.id)
                  .map((agency) => (
                    <option key={agency.id} value={agency.id}>
                      {agency.name} ({agency.code})
                    </option>
                  ))}
              </select>
              <p className="hint" id={`${id}-routing-hint`}>
                {t('actions.routingHint')}
              </p>
            </div>
          )}
        </fieldset>
      )}
      {action === 'propose_conditions' && (
        <>
          <ConditionFields
            id={id}
            type={conditionType}
            text={conditionText}
            onType={setConditionType}
            onText={setConditionText}
          />
        </>
      )}
      {action === 'mark_partially_executed' &&
        (request.requestedItems ?? []).map((item, index) => {
          const chosen = outcomes[item] ?? { outcome: 'executed' as const, reason: '' };
          return (
            <div className="field" key={item}>
              <label htmlFor={`${id}-item-${index}`}>{t('actions.itemOutcome', { item })}</label>
              <select
                id={`${id}-item-${index}`}
                value={chosen.outcome}
                onChange={(event) =>
                  setOutcomes({ ...outcomes, [item]: { ...chosen, outcome: event.target.value as Outcome } })
                }
              >
                {OUTCOMES.map((outcome) => (
                  <option key={outcome} value={outcome}>
                    {t(`outcome.${outcome}`)}
                  </option>
                ))}
              </select>
              {chosen.outcome !== 'executed' && (
                <>
                  <label htmlFor={`${id}-item-reason-${index}`}>{t('actions.itemReason', { item })}</label>
                  <input
                    id={`${id}-item-reason-${index}`}
                    required
                    value={chosen.reason}
                    onChange={(event) =>
                      setOutcomes({ ...outcomes, [item]: { ...chosen, reason: event.target.value } })
                    }
                  />
                </>
              )}
            </div>
          );
        })}
      <div className="buttons">
        <button type="submit" disabled={sending}>
          {sending ? t('actions.sending') : t('actions.confirm', { action: label })}
        </button>
        <button type="button" onClick={onCancel}>
          {t('actions.cancel')}
        </button>
      </div>
    </form>
  );
}
