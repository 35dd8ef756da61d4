import { type FormEvent, useId, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient, Schemas } from '@mla/api-client';
import { errorText } from '../errors';
import { ConditionFields, type ConditionType } from './ConditionFields';
import { useI18n } from '../i18n';
import { counterpartOf, DualTime } from './DualTime';

type Request = Schemas['RequestDto'];
type Consent = Schemas['ConsentDto'];
type Decision = Schemas['DecideConsentDto']['decision'];

const DECISIONS: readonly Decision[] = ['granted', 'conditional', 'refused'];
/** CONSENT_DECIDERS: the requested agency's central authority officers and 24/7 operators. */
const DECIDER_ROLES: ReadonlySet<string> = new Set(['central_authority_officer', 'contact_point_operator']);

/**
 * The conditions on use offered on the request (from its view: proposed, accepted and then binding,
 * or rejected) and the consents asked for a further use or an onward transfer, with their
 * decisions; for those who decide for the requested agency, a form on each consent still undecided.
 */
export function ConditionsSection({
  request,
  me,
  client,
}: {
  request: Request;
  me: Schemas['MeDto'] | undefined;
  client: ApiClient;
}) {
  const { t } = useI18n();
  const counterpart = counterpartOf(request, me);
  const consents = useQuery({
    queryKey: ['request', request.id, 'consents'],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/requests/{id}/consents', {
        params: { path: { id: request.id } },
      });
      if (!data) throw new Error(error?.code ?? 'consents');
      return data.items;
    },
  });
  // The UI offers the form only to whom the API lets decide; the API decides all the same.
  const mayDecide =
    me !== undefined && me.agency.id === request.requestedAgency.id && DECIDER_ROLES.has(me.role);
  // Said here, not in the form: a decided consent loses its form, and the news must outlive it.
  const [decided, setDecided] = useState('');

  return (
    <section aria-labelledby="conditions-heading">
      <h2 id="conditions-heading">{t('conditions.heading')}</h2>
      {request.conditions.length === 0 ? (
        <p>{t('conditions.none')}</p>
      ) : (
        <table className="conditions">
          <caption>{t('conditions.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('conditions.type')}</th>
              <th scope="col">{t('conditions.text')}</th>
              <th scope="col">{t('conditions.status')}</th>
              <th scope="col">{t('conditions.proposedAt')}</th>
              <th scope="col">{t('conditions.decidedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {request.conditions.map((condition) => (
              <tr key={condition.id}>
                <th scope="row">{t(`option.${condition.type}`)}</th>
                <td dir="auto">{condition.text}</td>
                <td>{t(`conditionStatus.${condition.status}`)}</td>
                <td>
                  <DualTime iso={condition.proposedAt} counterpart={counterpart} />
                </td>
                <td>
                  {condition.decidedAt && <DualTime iso={condition.decidedAt} counterpart={counterpart} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('consents.heading')}</h3>
      {consents.isPending ? (
        <p>{t('app.loading')}</p>
      ) : consents.error ? (
        <p role="alert" className="error">
          {errorText(t, consents.error)}
        </p>
      ) : consents.data.length === 0 ? (
        <p>{t('consents.none')}</p>
      ) : (
        <ul className="consents">
          {consents.data.map((consent) => (
            <li key={consent.id}>
              <ConsentView
                consent={consent}
                request={request}
                client={client}
                counterpart={counterpart}
                mayDecide={mayDecide && consent.decision === null}
                onDecided={() => setDecided(t('consents.decided'))}
              />
            </li>
          ))}
        </ul>
      )}
      <p role="status">{decided}</p>
    </section>
  );
}

function ConsentView({
  consent,
  request,
  client,
  counterpart,
  mayDecide,
  onDecided,
}: {
  consent: Consent;
  request: Request;
  client: ApiClient;
  counterpart: ReturnType<typeof counterpartOf>;
  mayDecide: boolean;
  onDecided: () => void;
}) {
  const { t } = useI18n();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  return (
    <article aria-labelledby={headingId} className="consent">
      <h4 id={headingId} ref={heading} tabIndex={-1}>
        {t('consents.item', {
          kind: t(`consentKind.${consent.kind}`),
          name: consent.requestedBy.displayName,
        })}
      </h4>
      <dl className="details">
        <dt>{t('consents.askedAt')}</dt>
        <dd>
          <DualTime iso={consent.requestedAt} counterpart={counterpart} />
        </dd>
        <dt>{t('consents.purpose')}</dt>
        <dd dir="auto">{consent.purpose}</dd>
        <dt>{t('consents.legalBasis')}</dt>
        <dd dir="auto">{consent.legalBasis}</dd>
        {consent.newProceeding && (
          <>
            <dt>{t('consents.newProceeding')}</dt>
            <dd dir="auto">{consent.newProceeding}</dd>
          </>
        )}
        {consent.recipientStateCode && (
          <>
            <dt>{t('consents.recipient')}</dt>
            <dd dir="auto">
              {consent.recipientStateCode}
              {consent.recipientDescription && <> · {consent.recipientDescription}</>}
            </dd>
          </>
        )}
        <dt>{t('consents.decision')}</dt>
        <dd>
          <strong className={`consent-${consent.decision ?? 'pending'}`}>
            {t(`consentDecision.${consent.decision ?? 'pending'}`)}
          </strong>
          {consent.decidedBy && consent.decidedAt && (
            <>
              {' · '}
              {consent.decidedBy.displayName}
              {' · '}
              <DualTime iso={consent.decidedAt} counterpart={counterpart} />
            </>
          )}
        </dd>
        {consent.conditions.length > 0 && (
          <>
            <dt>{t('consents.conditions')}</dt>
            <dd>
              <ul>
                {consent.conditions.map((condition, index) => (
                  <li key={index}>
                    {t(`option.${condition.type}`)}: <span dir="auto">{condition.text}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {consent.reasons && (
          <>
            <dt>{t('consents.reasons')}</dt>
            <dd dir="auto">{consent.reasons}</dd>
          </>
        )}
        {consent.document && (
          <>
            <dt>{t('consents.document')}</dt>
            <dd dir="auto">
              {consent.document.title} ({consent.document.reference})
            </dd>
          </>
        )}
      </dl>
      {mayDecide && (
        <DecisionForm
          consent={consent}
          consentHeadingId={headingId}
          request={request}
          client={client}
          onDecided={() => {
            // The form is about to go: the focus goes to the consent it decided, now showing the decision.
            heading.current?.focus();
            onDecided();
          }}
        />
      )}
    </article>
  );
}

function DecisionForm({
  consent,
  consentHeadingId,
  request,
  client,
  onDecided,
}: {
  consent: Consent;
  consentHeadingId: string;
  request: Request;
  client: ApiClient;
  onDecided: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<Decision>('granted');
  const [conditionType, setConditionType] = useState<ConditionType>('cond_speciality');
  const [conditionText, setConditionText] = useState('');
  const [reasons, setReasons] = useState('');
  const [documentTitle, setDocumentTitle] = useState('');
  const [documentReference, setDocumentReference] = useState('');
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body: Schemas['DecideConsentDto'] = { decision };
    // Conditions only with a conditional grant, reasons only with a refusal: the API refuses others.
    if (decision === 'conditional') body.conditions = [{ type: conditionType, text: conditionText }];
    if (decision === 'refused') body.reasons = reasons;
    if (documentTitle && documentReference)
      body.document = { title: documentTitle, reference: documentReference };
    setSending(true);
    try {
      const { data, error } = await client.POST('/v1/requests/{id}/consents/{consentId}/decision', {
        params: { path: { id: request.id, consentId: consent.id } },
        body,
      });
      if (!data) {
        setFailure(t('consents.failed', { message: errorText(t, error) }));
        return;
      }
      setFailure('');
      onDecided();
      void queryClient.invalidateQueries({ queryKey: ['request', request.id] });
    } catch {
      // A thrown call is the network failing (openapi-fetch answers every HTTP status).
      setFailure(t('consents.failed', { message: errorText(t, 'network') }));
    } finally {
      setSending(false);
    }
  }

  return (
    // Named by its own heading and its consent's: each pending consent has one such form.
    <form
      className="action-form"
      aria-labelledby={`${id}-heading ${consentHeadingId}`}
      onSubmit={(event) => void submit(event)}
    >
      <h5 id={`${id}-heading`}>{t('consents.decideHeading')}</h5>
      <fieldset>
        <legend>{t('consents.decisionLabel')}</legend>
        {DECISIONS.map((option) => (
          <label key={option} className="check">
            <input
              type="radio"
              name={`${id}-decision`}
              value={option}
              checked={decision === option}
              onChange={() => setDecision(option)}
            />
            {t(`consentDecision.${option}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'conditional' && (
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
      {decision === 'refused' && (
        <div className="field">
          <label htmlFor={`${id}-reasons`}>{t('consents.reasonsLabel')}</label>
          <textarea
            id={`${id}-reasons`}
            required
            maxLength={5000}
            dir="auto"
            value={reasons}
            onChange={(event) => setReasons(event.target.value)}
          />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-dtitle`}>{t('consents.documentTitle')}</label>
        <input
          id={`${id}-dtitle`}
          maxLength={300}
          required={documentReference !== ''}
          value={documentTitle}
          onChange={(event) => setDocumentTitle(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-dref`}>{t('consents.documentReference')}</label>
        <input
          id={`${id}-dref`}
          maxLength={200}
          required={documentTitle !== ''}
          value={documentReference}
          onChange={(event) => setDocumentReference(event.target.value)}
        />
      </div>
      <div className="buttons">
        <button type="submit" disabled={sending}>
          {sending ? t('consents.sending') : t('consents.submit')}
        </button>
      </div>
      <p role="alert" className="error">
        {failure}
      </p>
    </form>
  );
}
