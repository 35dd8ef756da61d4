import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { paths, Schemas } from '@mla/api-client';
import { DualTime } from '../components/DualTime';
import { useI18n } from '../i18n';
import { errorText } from '../errors';
import { followLink, navigate } from '../router';
import { useApi, useMe } from '../session';

type ListQuery = NonNullable<paths['/v1/requests']['get']['parameters']['query']>;
type Box = NonNullable<ListQuery['box']>;
type Status = NonNullable<ListQuery['status']>;
type RequestType = NonNullable<ListQuery['type']>;
type Summary = Schemas['RequestSummaryDto'];

const STATUSES: readonly Status[] = [
  'draft',
  'pending_approval',
  'pending_translation',
  'ready',
  'transmitted',
  'received',
  'under_assessment',
  'clarification_requested',
  'answer_pending_approval',
  'in_consultation',
  'conditions_proposed',
  'accepted',
  'in_execution',
  'postponed',
  'recipient_cannot_comply',
  'partially_executed',
  'executed',
  'refused',
  'withdrawn',
  'lapsed',
  'closed',
];
const TYPES: readonly RequestType[] = [
  'mla_general',
  'preservation',
  'traffic_disclosure',
  'stored_data_access',
  'realtime_traffic',
  'interception',
  'search_seizure',
  'emergency_disclosure',
  'subscriber_direct',
  'video_hearing',
  'joint_investigation',
  'spontaneous_information',
];
const PAGE = 25;

/** The filters live in the address, so a reload or a shared link shows the same list. */
function readFilters(search: string): { box: Box; status?: Status; type?: RequestType; overdue: boolean } {
  const params = new URLSearchParams(search);
  const status = params.get('status');
  const type = params.get('type');
  return {
    box: params.get('box') === 'incoming' ? 'incoming' : 'outgoing',
    ...(STATUSES.includes(status as Status) ? { status: status as Status } : {}),
    ...(TYPES.includes(type as RequestType) ? { type: type as RequestType } : {}),
    overdue: params.get('overdue') === 'true',
  };
}

export function RequestsList({ search }: { search: string }) {
  const { t } = useI18n();
  const client = useApi();
  const filters = readFilters(search);
  const setFilter = (name: string, value: string | undefined) => {
    const params = new URLSearchParams(search);
    if (value) params.set(name, value);
    else params.delete(name);
    navigate(`/requests?${params.toString()}`, { replace: true });
  };
  const base: ListQuery = {
    box: filters.box,
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.type ? { type: filters.type } : {}),
  };

  // The API lists newest first; the overdue ones are fetched on their own and shown on top.
  // The same query as the header's: whether this user may draft requests at all.
  const me = useMe();
  const overdue = useQuery({
    queryKey: ['requests', { ...base, overdue: true }],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/requests', {
        params: { query: { ...base, overdue: 'true', limit: 100 } },
      });
      if (!data) throw new Error(error?.code ?? 'requests');
      return data.items;
    },
  });
  const all = useInfiniteQuery({
    queryKey: ['requests', base],
    enabled: !filters.overdue,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: Schemas['RequestPageDto']) => page.nextCursor ?? undefined,
    queryFn: async ({ pageParam }) => {
      const { data, error } = await client.GET('/v1/requests', {
        params: { query: { ...base, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
      });
      if (!data) throw new Error(error?.code ?? 'requests');
      return data;
    },
  });

  const overdueIds = new Set((overdue.data ?? []).map((request) => request.id));
  const rows: { request: Summary; overdue: boolean }[] = [
    ...(overdue.data ?? []).map((request) => ({ request, overdue: true })),
    ...(filters.overdue ? [] : (all.data?.pages.flatMap((page) => page.items) ?? []))
      .filter((request) => !overdueIds.has(request.id))
      .map((request) => ({ request, overdue: false })),
  ];
  const loading = overdue.isPending || (!filters.overdue && all.isPending);
  const failure = overdue.error ?? all.error;
  const boxLabel = filters.box === 'incoming' ? t('list.inbox') : t('list.outbox');

  return (
    <section aria-labelledby="list-heading">
      <div className="heading-row">
        <h1 id="list-heading">{t('list.heading')}</h1>
        {me.data?.permissions.includes('request.create') && (
          <a href="/requests/new" className="button" onClick={followLink}>
            {t('list.newRequest')}
          </a>
        )}
      </div>
      <div role="tablist" aria-label={t('list.heading')} className="tabs">
        {(['outgoing', 'incoming'] as const).map((box) => (
          <button
            key={box}
            type="button"
            role="tab"
            id={`tab-${box}`}
            aria-selected={filters.box === box}
            aria-controls="requests-panel"
            tabIndex={filters.box === box ? 0 : -1}
            onClick={() => setFilter('box', box)}
            onKeyDown={(event) => {
              // Arrow keys move between the two tabs (WAI-ARIA tabs pattern).
              if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
                const other = box === 'outgoing' ? 'incoming' : 'outgoing';
                setFilter('box', other);
                document.getElementById(`tab-${other}`)?.focus();
              }
            }}
          >
            {box === 'outgoing' ? t('list.outbox') : t('list.inbox')}
          </button>
        ))}
      </div>
      <div id="requests-panel" role="tabpanel" aria-labelledby={`tab-${filters.box}`}>
        <fieldset className="filters">
          <legend>{t('list.filters')}</legend>
          <label>
            {t('list.status')}
            <select
              value={filters.status ?? ''}
              onChange={(event) => setFilter('status', event.target.value)}
            >
              <option value="">{t('list.any')}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`status.${status}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('list.type')}
            <select value={filters.type ?? ''} onChange={(event) => setFilter('type', event.target.value)}>
              <option value="">{t('list.any')}</option>
              {TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`type.${type}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={filters.overdue}
              onChange={(event) => setFilter('overdue', event.target.checked ? 'true' : undefined)}
            />
            {t('list.overdueOnly')}
          </label>
        </fieldset>
        {failure && (
          <p role="alert" className="error">
            {errorText(t, failure)}
          </p>
        )}
        <table className="requests">
          <caption>{t('list.caption', { box: boxLabel })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('list.reference')}</th>
              <th scope="col">{t('list.type')}</th>
              <th scope="col">{t('list.counterpart')}</th>
              <th scope="col">{t('list.status')}</th>
              <th scope="col">{t('list.urgency')}</th>
              <th scope="col">{t('list.nextDeadline')}</th>
            </tr>
          </thead>
          <tbody aria-busy={loading}>
            {loading && (
              <tr>
                <td colSpan={6}>{t('app.loading')}</td>
              </tr>
            )}
            {!loading && rows.length === 0 && (
              <tr>
                <td colSpan={6}>{t('list.empty')}</td>
              </tr>
            )}
            {rows.map(({ request, overdue: late }) => (
              <RequestRow key={request.id} request={request} box={filters.box} overdue={late} />
            ))}
          </tbody>
        </table>
        {!filters.overdue && all.hasNextPage && (
          <button type="button" disabled={all.isFetchingNextPage} onClick={() => void all.fetchNextPage()}>
            {t('list.more')}
          </button>
        )}
      </div>
    </section>
  );
}

function RequestRow({ request, box, overdue }: { request: Summary; box: Box; overdue: boolean }) {
  const { t } = useI18n();
  const counterpart = box === 'outgoing' ? request.requestedAgency : request.requestingAgency;
  const next = request.nextDeadline;
  return (
    <tr className={overdue ? 'overdue' : undefined}>
      <th scope="row">
        <a href={`/requests/${request.id}`} onClick={followLink}>
          {request.reference}
        </a>
      </th>
      <td>{t(`type.${request.type}`)}</td>
      <td>
        {counterpart.name} ({counterpart.stateCode})
      </td>
      <td>{t(`status.${request.status}`)}</td>
      <td>{t(`urgency.${request.urgencyLevel}`)}</td>
      <td className="deadline">
        {next ? (
          <>
            {/* Also on the counterpart's clock, which is when they will act on it. */}
            <DualTime iso={next.dueAt} counterpart={counterpart} />
            {next.overdue && <strong className="badge">{t('list.overdue')}</strong>}
          </>
        ) : (
          t('list.noDeadline')
        )}
      </td>
    </tr>
  );
}
