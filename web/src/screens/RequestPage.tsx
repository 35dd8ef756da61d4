import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@mla/api-client';
import { ActionBar } from '../components/ActionBar';
import { EvidenceSection } from '../components/EvidenceSection';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';
import { followLink } from '../router';
import { useApi, useMe } from '../session';

export function RequestPage({ id }: { id: string }) {
  const { t, language } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const request = useQuery({
    queryKey: ['request', id],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/requests/{id}', { params: { path: { id } } });
      if (!data) throw new Error(error?.code ?? 'request');
      return data;
    },
  });
  const me = useMe();
  const history = useQuery({
    queryKey: ['request', id, 'history'],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/requests/{id}/history', {
        params: { path: { id }, query: { limit: 100 } },
      });
      if (!data) throw new Error(error?.code ?? 'history');
      return data.items;
    },
  });

  if (request.isPending) return <p>{t('app.loading')}</p>;
  if (request.error)
    return (
      <p role="alert" className="error">
        {t('app.error', { code: request.error.message })}
      </p>
    );
  const r = request.data;
  return (
    <article aria-labelledby="request-heading">
      <p>
        <a href="/requests" onClick={followLink}>
          {t('request.back')}
        </a>
      </p>
      <h1 id="request-heading">
        {r.reference} · {t(`status.${r.status}`)}
      </h1>
      <ActionBar
        request={r}
        client={client}
        onDone={(updated) => {
          queryClient.setQueryData(['request', id], updated);
          void queryClient.invalidateQueries({ queryKey: ['request', id] });
          void queryClient.invalidateQueries({ queryKey: ['requests'] });
        }}
      />
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">{t('request.details')}</h2>
        <dl className="details">
          {/* dir="auto": what users wrote keeps its own direction inside an Arabic page, and back. */}
          <dt>{t('request.title')}</dt>
          <dd dir="auto">{r.title}</dd>
          <dt>{t('list.type')}</dt>
          <dd>{t(`type.${r.type}`)}</dd>
          <dt>{t('request.legalBasis')}</dt>
          <dd>{r.legalBasis}</dd>
          <dt>{t('list.status')}</dt>
          <dd>{t(`status.${r.status}`)}</dd>
          <dt>{t('list.urgency')}</dt>
          <dd>{t(`urgency.${r.urgencyLevel}`)}</dd>
          <dt>{t('request.requestingAgency')}</dt>
          <dd>
            {r.requestingAgency.name} ({r.requestingAgency.stateCode})
          </dd>
          <dt>{t('request.requestedAgency')}</dt>
          <dd>
            {r.requestedAgency.name} ({r.requestedAgency.stateCode})
          </dd>
          {r.executingAgency && (
            <>
              <dt>{t('request.executingAgency')}</dt>
              <dd dir="auto">{r.executingAgency.name}</dd>
            </>
          )}
          <dt>{t('request.createdAt')}</dt>
          <dd>{formatDateTime(r.createdAt, language)}</dd>
          {r.submittedAt && (
            <>
              <dt>{t('request.submittedAt')}</dt>
              <dd>{formatDateTime(r.submittedAt, language)}</dd>
            </>
          )}
          {r.transmittedAt && (
            <>
              <dt>{t('request.transmittedAt')}</dt>
              <dd>{formatDateTime(r.transmittedAt, language)}</dd>
            </>
          )}
          <dt>{t('request.facts')}</dt>
          <dd dir="auto">{r.factsSummary}</dd>
          <dt>{t('request.purpose')}</dt>
          <dd dir="auto">{r.purpose}</dd>
          {r.refusal && (
            <>
              <dt>{t('request.refusal')}</dt>
              <dd>
                {r.refusal.grounds.join(', ')}: {r.refusal.reason}
              </dd>
            </>
          )}
          {r.postponement && (
            <>
              <dt>{t('request.postponement')}</dt>
              <dd>
                {r.postponement.grounds.join(', ')}: {r.postponement.reason} (
                {formatDateTime(r.postponement.expectedResumeAt, language)})
              </dd>
            </>
          )}
        </dl>
      </section>
      {r.deadlines.length > 0 && <Deadlines deadlines={r.deadlines} request={r} />}
      <EvidenceSection request={r} me={me.data} />
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('request.timeline')}</h2>
        {history.isPending ? (
          <p>{t('app.loading')}</p>
        ) : history.error ? (
          <p role="alert" className="error">
            {t('app.error', { code: history.error.message })}
          </p>
        ) : history.data.length === 0 ? (
          <p>{t('request.timelineEmpty')}</p>
        ) : (
          <ol className="timeline">
            {history.data.map((event) => (
              <li key={event.id}>
                <time dateTime={event.ts}>{formatDateTime(event.ts, language)}</time>{' '}
                <span className="event-action">{event.action}</span>
                {event.actor && <> {t('request.by', { role: event.actor.role })}</>}
                {event.outcome !== 'success' && <> ({event.outcome})</>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}

/** Each deadline in the user's time zone, and on both agencies' clocks beside it. */
function Deadlines({
  deadlines,
  request,
}: {
  deadlines: Schemas['DeadlineDto'][];
  request: Schemas['RequestDto'];
}) {
  const { t, language } = useI18n();
  return (
    <section aria-labelledby="deadlines-heading">
      <h2 id="deadlines-heading">{t('request.deadlines')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('request.deadlineName')}</th>
            <th scope="col">{t('request.dueAt')}</th>
            <th scope="col">{t('request.requestingAgency')}</th>
            <th scope="col">{t('request.requestedAgency')}</th>
            <th scope="col">{t('request.deadlineStatus')}</th>
          </tr>
        </thead>
        <tbody>
          {deadlines.map((deadline) => (
            <tr key={deadline.name} className={deadline.overdue ? 'overdue' : undefined}>
              <th scope="row">{deadline.name}</th>
              <td>
                <time dateTime={deadline.dueAt}>{formatDateTime(deadline.dueAt, language)}</time>
              </td>
              <td>{formatDateTime(deadline.dueAt, language, request.requestingAgency.timeZone)}</td>
              <td>{formatDateTime(deadline.dueAt, language, request.requestedAgency.timeZone)}</td>
              <td>
                {deadline.status}
                {deadline.overdue && <strong className="badge">{t('list.overdue')}</strong>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
