import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@mla/api-client';
import { ActionBar } from '../components/ActionBar';
import { ConditionsSection } from '../components/ConditionsSection';
import { counterpartOf, DualTime } from '../components/DualTime';
import { EvidenceSection } from '../components/EvidenceSection';
import { type ComposeKind, isThreadAction, MessageThread, THREAD_ACTIONS } from '../components/MessageThread';
import { TimelineEvent } from '../components/TimelineEvent';
import { errorText } from '../errors';
import { formatDateTime } from '../format';
import { isMessageKey, useI18n } from '../i18n';
import { deadlineLabel, groundLabel } from '../labels';
import { followLink } from '../router';
import { useApi, useMe } from '../session';

/** The actions written as messages of the thread rather than in a form of the action bar. */
const IN_THREAD: ReadonlySet<Schemas['TransitionDto']['action']> = new Set(THREAD_ACTIONS);

export function RequestPage({ id }: { id: string }) {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const [compose, setCompose] = useState<{ kind: ComposeKind; seq: number } | null>(null);
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
        {errorText(t, request.error)}
      </p>
    );
  const r = request.data;
  const counterpart = counterpartOf(r, me.data);
  const onUpdated = (updated: Schemas['RequestDto']) => {
    queryClient.setQueryData(['request', id], updated);
    void queryClient.invalidateQueries({ queryKey: ['request', id] });
    void queryClient.invalidateQueries({ queryKey: ['requests'] });
  };
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
        onDone={onUpdated}
        onStale={() => {
          void queryClient.invalidateQueries({ queryKey: ['request', id] });
          void queryClient.invalidateQueries({ queryKey: ['requests'] });
        }}
        inThread={{
          actions: IN_THREAD,
          open: (action) => {
            if (isThreadAction(action))
              setCompose((previous) => ({ kind: action, seq: (previous?.seq ?? 0) + 1 }));
          },
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
          <dd>
            <DualTime iso={r.createdAt} counterpart={counterpart} />
          </dd>
          {r.submittedAt && (
            <>
              <dt>{t('request.submittedAt')}</dt>
              <dd>
                <DualTime iso={r.submittedAt} counterpart={counterpart} />
              </dd>
            </>
          )}
          {r.transmittedAt && (
            <>
              <dt>{t('request.transmittedAt')}</dt>
              <dd>
                <DualTime iso={r.transmittedAt} counterpart={counterpart} />
              </dd>
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
                {r.refusal.grounds.map((ground) => groundLabel(t, ground)).join('; ')}:{' '}
                <span dir="auto">{r.refusal.reason}</span>
              </dd>
            </>
          )}
          {r.postponement && (
            <>
              <dt>{t('request.postponement')}</dt>
              <dd>
                {r.postponement.grounds.map((ground) => groundLabel(t, ground)).join('; ')}:{' '}
                <span dir="auto">{r.postponement.reason}</span> (
                <DualTime iso={r.postponement.expectedResumeAt} counterpart={counterpart} />)
              </dd>
            </>
          )}
        </dl>
      </section>
      {r.links.length > 0 && <LinkedRequests links={r.links} />}
      {r.deadlines.length > 0 && <Deadlines deadlines={r.deadlines} request={r} />}
      <MessageThread request={r} me={me.data} client={client} compose={compose} onTransition={onUpdated} />
      <ConditionsSection request={r} me={me.data} client={client} />
      <EvidenceSection request={r} me={me.data} />
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('request.timeline')}</h2>
        {history.isPending ? (
          <p>{t('app.loading')}</p>
        ) : history.error ? (
          <p role="alert" className="error">
            {errorText(t, history.error)}
          </p>
        ) : history.data.length === 0 ? (
          <p>{t('request.timelineEmpty')}</p>
        ) : (
          <ol className="timeline">
            {history.data.map((event) => (
              <li key={event.id}>
                <TimelineEvent
                  at={event.ts}
                  action={event.action}
                  actor={event.actor}
                  outcome={event.outcome}
                  counterpart={counterpart}
                />
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
              <th scope="row">{deadlineLabel(t, deadline.name)}</th>
              <td>
                <time dateTime={deadline.dueAt}>{formatDateTime(deadline.dueAt, language)}</time>
              </td>
              <td>{formatDateTime(deadline.dueAt, language, request.requestingAgency.timeZone)}</td>
              <td>{formatDateTime(deadline.dueAt, language, request.requestedAgency.timeZone)}</td>
              <td>
                {t(`deadlineStatus.${deadline.status}`)}
                {deadline.overdue && <strong className="badge">{t('list.overdue')}</strong>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The requests this one names or is named by, each a link to its page, with the relation in words. */
function LinkedRequests({ links }: { links: Schemas['RequestLinkDto'][] }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">{t('links.heading')}</h2>
      <ul className="links">
        {links.map((link) => {
          const key = `${link.direction === 'outgoing' ? 'linkOut' : 'linkIn'}.${link.relation}`;
          const statusKey = `status.${link.status}`;
          return (
            <li key={`${link.direction}-${link.relation}-${link.requestId}`}>
              {isMessageKey(key) ? t(key) : t('links.other', { relation: link.relation })}{' '}
              <a href={`/requests/${link.requestId}`} onClick={followLink} dir="auto">
                {link.title}
              </a>{' '}
              ({isMessageKey(statusKey) ? t(statusKey) : link.status})
            </li>
          );
        })}
      </ul>
    </section>
  );
}
