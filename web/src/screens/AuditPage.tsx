import { type FormEvent, useId, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import type { paths, Schemas } from '@mla/api-client';
import { checkEntryProof } from '../audit/merkle';
import { verifyCheckpointNote } from '../audit/note';
import { formatDateTime } from '../format';
import { isMessageKey, type Translate, useI18n } from '../i18n';
import { eventLabel, roleLabel } from '../labels';
import { navigate } from '../router';
import { useApi, useMe } from '../session';

type EventQuery = NonNullable<paths['/v1/audit/events']['get']['parameters']['query']>;
type Filters = Pick<EventQuery, 'actorUserId' | 'action' | 'requestId' | 'from' | 'to'>;
type FilterName = keyof Filters;
type AuditEvent = Schemas['AuditEventDto'];
type Checkpoint = Schemas['SignedAuditCheckpointDto'];

const PAGE = 25;
const FILTERS: readonly FilterName[] = ['actorUserId', 'action', 'requestId', 'from', 'to'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The API's own rule for `action` (AuditEventQueryDto): dotted lower-case words.
const ACTION = /^[a-z_]+(\.[a-z_]+)*$/;

/** The filters live in the address, so a reload or a shared link shows the same entries. */
export function readFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value && problemOf(name, value) === undefined) filters[name] = value;
  }
  return filters;
}

type Problem = 'audit.invalidId' | 'audit.invalidAction' | 'audit.invalidTime';

function problemOf(name: FilterName, value: string): Problem | undefined {
  if (name === 'actorUserId' || name === 'requestId') return UUID.test(value) ? undefined : 'audit.invalidId';
  if (name === 'action') return ACTION.test(value) ? undefined : 'audit.invalidAction';
  return Number.isNaN(Date.parse(value)) ? 'audit.invalidTime' : undefined;
}

/** An instant as a datetime-local input shows it: the user's own clock, to the minute. */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (the user's clock) as the instant the API expects. */
function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function setFilters(filters: Filters): void {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters[name];
    if (value) params.set(name, value);
  }
  const query = params.toString();
  navigate(query ? `/audit?${query}` : '/audit', { replace: true });
}

/**
 * The auditor's screen: the log's integrity (verify the whole chain, the latest signed checkpoint,
 * the export for offline checking), and the audit trail with its filters, each entry's inclusion
 * proof checked here in the browser against the signed root. Every read here is itself recorded in
 * the log by the API, so nothing is fetched again on its own (no refetch on focus).
 */
export function AuditPage({ search }: { search: string }) {
  const { t } = useI18n();
  const me = useMe();
  const filters = readFilters(search);
  const permissions = me.data?.permissions ?? [];
  if (me.data && !permissions.includes('audit.read'))
    return (
      <p role="alert" className="error">
        {t('audit.notAllowed')}
      </p>
    );
  return (
    <section aria-labelledby="audit-heading" className="audit">
      <h1 id="audit-heading">{t('audit.heading')}</h1>
      <Integrity mayVerify={permissions.includes('audit.verify')} />
      <Trail filters={filters} />
    </section>
  );
}

function useCheckpoint() {
  const client = useApi();
  return useQuery({
    queryKey: ['audit', 'checkpoint'],
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    queryFn: async (): Promise<Checkpoint> => {
      const { data, error } = await client.GET('/v1/audit/checkpoints/latest');
      if (!data) throw new Error(error?.code ?? 'checkpoint');
      return data;
    },
  });
}

function Integrity({ mayVerify }: { mayVerify: boolean }) {
  const { t, language } = useI18n();
  const client = useApi();
  const checkpoint = useCheckpoint();
  const verify = useMutation({
    mutationFn: async () => {
      const { data, error } = await client.GET('/v1/audit/verify');
      if (!data) throw new Error(error?.code ?? 'verify');
      return data;
    },
  });
  const [exported, setExported] = useState<{ ok: boolean; text: string } | null>(null);
  // The keys the portal publishes, and the checkpoint's signature checked with them here.
  const keys = useQuery({
    queryKey: ['audit', 'keys'],
    staleTime: Infinity,
    queryFn: async () => {
      const { data, response } = await client.GET('/.well-known/mla-portal/keys');
      if (!data) throw new Error(`keys: HTTP ${response.status}`);
      return data;
    },
  });
  const signature = useQuery({
    queryKey: ['audit', 'checkpoint-signature', checkpoint.data?.treeSize, checkpoint.data?.note],
    enabled: checkpoint.data !== undefined && keys.data !== undefined,
    staleTime: Infinity,
    queryFn: async () => {
      const cp = checkpoint.data!;
      const published = keys.data!;
      if (!globalThis.crypto?.subtle) return { ok: false as const, reason: t('audit.noSubtleCrypto') };
      return verifyCheckpointNote(cp.note, published.keys, {
        origin: published.auditLogOrigin,
        treeSize: cp.treeSize,
        rootHash: cp.rootHash,
      });
    },
  });

  async function exportLog() {
    setExported({ ok: true, text: t('audit.exporting') });
    try {
      // Through the client, so the bearer token goes with it; saved from memory (the CSP allows
      // blob: downloads, and no inline script is needed).
      const { data, error, response } = await client.GET('/v1/audit/export', { parseAs: 'blob' });
      if (!data) {
        setExported({ ok: false, text: t('audit.exportFailed', { message: error?.message ?? '' }) });
        return;
      }
      const named = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
      const file = named ?? 'audit-export.ndjson';
      const url = URL.createObjectURL(data);
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setExported({ ok: true, text: t('audit.exported', { file }) });
    } catch (error) {
      setExported({ ok: false, text: t('audit.exportFailed', { message: String(error) }) });
    }
  }

  const cp = checkpoint.data;
  const result = verify.data;
  return (
    <section aria-labelledby="integrity-heading" className="integrity">
      <h2 id="integrity-heading">{t('audit.integrity')}</h2>
      <div className="toolbar">
        {mayVerify && (
          <button
            type="button"
            className="primary"
            disabled={verify.isPending}
            onClick={() => verify.mutate()}
          >
            {verify.isPending ? t('audit.verifying') : t('audit.verify')}
          </button>
        )}
        <button type="button" disabled={checkpoint.isFetching} onClick={() => void checkpoint.refetch()}>
          {t('audit.refreshCheckpoint')}
        </button>
        <button type="button" onClick={() => void exportLog()}>
          {t('audit.export')}
        </button>
      </div>
      <p className="hint">{t('audit.exportHint')}</p>
      {/* The outcome lines keep their place, filled or not: nothing below them moves. */}
      <div className="outcome">
        {result?.ok === true && (
          <p role="status" className="verified" data-testid="verify-result">
            {t('audit.valid', { checked: result.checked, head: result.headSequence })}
          </p>
        )}
        {result?.ok === false && (
          <p role="alert" className="error" data-testid="verify-result">
            {t('audit.broken', {
              seq: result.firstBadSequence ?? '?',
              problem: result.problem ?? '',
              checked: result.checked,
            })}
          </p>
        )}
        {verify.error && (
          <p role="alert" className="error">
            {t('app.error', { code: verify.error.message })}
          </p>
        )}
        {exported && (
          <p role={exported.ok ? 'status' : 'alert'} className={exported.ok ? undefined : 'error'}>
            {exported.text}
          </p>
        )}
      </div>
      <h3 id="checkpoint-heading">{t('audit.checkpoint')}</h3>
      {checkpoint.error ? (
        <p role="alert" className="error">
          {t('app.error', { code: checkpoint.error.message })}
        </p>
      ) : (
        <dl
          className="details checkpoint"
          aria-labelledby="checkpoint-heading"
          aria-busy={checkpoint.isPending}
        >
          <dt>{t('audit.treeSize')}</dt>
          <dd data-testid="checkpoint-size">{cp?.treeSize ?? '…'}</dd>
          <dt>{t('audit.rootHash')}</dt>
          <dd className="sha256" data-testid="checkpoint-root">
            {cp?.rootHash ?? '…'}
          </dd>
          <dt>{t('audit.signedAt')}</dt>
          <dd>{cp ? <time dateTime={cp.signedAt}>{formatDateTime(cp.signedAt, language)}</time> : '…'}</dd>
          <dt>{t('audit.keyId')}</dt>
          <dd className="sha256">{cp?.keyId ?? '…'}</dd>
          <dt>{t('audit.signature')}</dt>
          <dd data-testid="checkpoint-signature">
            {signature.data?.ok === true && (
              <span className="verified">
                {t('audit.signatureVerified', { key: `${signature.data.keyName}+${signature.data.keyHash}` })}
              </span>
            )}
            {signature.data?.ok === false && (
              <span role="alert" className="error">
                {t('audit.signatureFailed', { reason: signature.data.reason })}
              </span>
            )}
            {(keys.error ?? signature.error) && (
              <span role="alert" className="error">
                {t('audit.signatureFailed', { reason: (keys.error ?? signature.error)!.message })}
              </span>
            )}
            {!signature.data && !keys.error && !signature.error && '…'}
          </dd>
        </dl>
      )}
    </section>
  );
}

type ProofState =
  | { seq: number; kind: 'busy' }
  | { seq: number; kind: 'verified'; treeSize: number }
  | { seq: number; kind: 'failed'; reason: string };

function Trail({ filters }: { filters: Filters }) {
  const { t } = useI18n();
  const client = useApi();
  const checkpoint = useCheckpoint();
  const [proof, setProof] = useState<ProofState | null>(null);
  const events = useInfiniteQuery({
    queryKey: ['audit', 'events', filters],
    refetchOnWindowFocus: false,
    staleTime: Infinity,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: Schemas['AuditEventPageDto']) => page.nextCursor ?? undefined,
    queryFn: async ({ pageParam }) => {
      const { data, error } = await client.GET('/v1/audit/events', {
        params: { query: { ...filters, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
      });
      if (!data) throw new Error(error?.code ?? 'events');
      return data;
    },
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const actions = [...new Set(rows.map((row) => row.action))].sort();

  async function checkProof(entry: AuditEvent) {
    setProof({ seq: entry.seq, kind: 'busy' });
    try {
      if (!globalThis.crypto?.subtle) {
        setProof({ seq: entry.seq, kind: 'failed', reason: t('audit.noSubtleCrypto') });
        return;
      }
      // The checkpoint on screen, or a newer one when the entry came after it (signed on demand).
      let signed = checkpoint.data;
      if (!signed || signed.treeSize < entry.seq) signed = (await checkpoint.refetch()).data;
      if (!signed) throw new Error('checkpoint');
      const { data, error } = await client.GET('/v1/audit/proofs/inclusion', {
        params: { query: { seq: entry.seq, treeSize: signed.treeSize } },
      });
      if (!data) throw new Error(error?.code ?? 'proof');
      const verdict = await checkEntryProof(entry, signed, data);
      setProof(
        verdict.ok
          ? { seq: entry.seq, kind: 'verified', treeSize: signed.treeSize }
          : { seq: entry.seq, kind: 'failed', reason: verdict.reason },
      );
    } catch (error) {
      setProof({
        seq: entry.seq,
        kind: 'failed',
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  return (
    <section aria-labelledby="trail-heading">
      <h2 id="trail-heading">{t('audit.trail')}</h2>
      <FilterForm key={JSON.stringify(filters)} filters={filters} actions={actions} />
      <div className="outcome">
        {proof?.kind === 'busy' && <p role="status">{t('audit.proofChecking', { seq: proof.seq })}</p>}
        {proof?.kind === 'verified' && (
          <p role="status" className="verified" data-testid="proof-result">
            {t('audit.proofVerified', { seq: proof.seq, treeSize: proof.treeSize })}
          </p>
        )}
        {proof?.kind === 'failed' && (
          <p role="alert" className="error" data-testid="proof-result">
            {t('audit.proofFailed', { seq: proof.seq, reason: proof.reason })}
          </p>
        )}
        {events.error && (
          <p role="alert" className="error">
            {t('app.error', { code: events.error.message })}
          </p>
        )}
      </div>
      <table className="audit-events">
        <caption>{t('audit.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.seq')}</th>
            <th scope="col">{t('audit.time')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.outcome')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.request')}</th>
            <th scope="col">{t('audit.proof')}</th>
          </tr>
        </thead>
        <tbody aria-busy={events.isPending}>
          {events.isPending && (
            <tr>
              <td colSpan={7}>{t('app.loading')}</td>
            </tr>
          )}
          {!events.isPending && rows.length === 0 && (
            <tr>
              <td colSpan={7}>{t('audit.empty')}</td>
            </tr>
          )}
          {rows.map((entry) => (
            <EventRow
              key={entry.seq}
              entry={entry}
              filters={filters}
              busy={proof?.kind === 'busy'}
              onProof={() => void checkProof(entry)}
            />
          ))}
        </tbody>
      </table>
      {events.hasNextPage && (
        <button
          type="button"
          disabled={events.isFetchingNextPage}
          onClick={() => void events.fetchNextPage()}
        >
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}

const short = (id: string) => id.slice(0, 8);

function EventRow({
  entry,
  filters,
  busy,
  onProof,
}: {
  entry: AuditEvent;
  filters: Filters;
  busy: boolean;
  onProof: () => void;
}) {
  const { t, language } = useI18n();
  return (
    <tr className={entry.outcome === 'success' ? undefined : 'overdue'}>
      <th scope="row">{entry.seq}</th>
      <td>
        <time dateTime={entry.ts}>{formatDateTime(entry.ts, language)}</time>
      </td>
      <td>
        {/* The code is what the filter and the export use; the words say what it means. */}
        <code className="event-action">{entry.action}</code>
        {isMessageKey(`event.${entry.action}`) && (
          <span className="hint"> {eventLabel(t, entry.action)}</span>
        )}
      </td>
      <td>{outcomeLabel(t, entry.outcome)}</td>
      <td>
        {entry.actor ? (
          <button
            type="button"
            className="link"
            aria-label={t('audit.byActor', { role: entry.actor.role, id: entry.actor.userId })}
            onClick={() => setFilters({ ...filters, actorUserId: entry.actor!.userId })}
          >
            {roleLabel(t, entry.actor.role)} · {short(entry.actor.userId)}
          </button>
        ) : (
          <span className="hint">{t('audit.noActor')}</span>
        )}
      </td>
      <td>
        {entry.requestId ? (
          <button
            type="button"
            className="link"
            aria-label={t('audit.forRequest', { id: entry.requestId })}
            onClick={() => setFilters({ ...filters, requestId: entry.requestId! })}
          >
            {short(entry.requestId)}
          </button>
        ) : (
          <span className="hint">—</span>
        )}
      </td>
      <td>
        <button
          type="button"
          disabled={busy}
          aria-label={t('audit.proofOf', { seq: entry.seq })}
          onClick={onProof}
        >
          {t('audit.proof')}
        </button>
      </td>
    </tr>
  );
}

function outcomeLabel(t: Translate, outcome: string): string {
  if (outcome === 'success') return t('audit.outcome.success');
  if (outcome === 'failure') return t('audit.outcome.failure');
  if (outcome === 'denied') return t('audit.outcome.denied');
  return outcome;
}

/** The filters as typed, applied on submit (each is checked first, as the API would check it). */
function FilterForm({ filters, actions }: { filters: Filters; actions: string[] }) {
  const { t } = useI18n();
  const id = useId();
  const empty = { actorUserId: '', action: '', requestId: '', from: '', to: '' };
  const [draft, setDraft] = useState({
    actorUserId: filters.actorUserId ?? '',
    action: filters.action ?? '',
    requestId: filters.requestId ?? '',
    from: toLocalInput(filters.from),
    to: toLocalInput(filters.to),
  });
  const [problems, setProblems] = useState<Partial<Record<FilterName, string>>>({});
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: Filters = {};
    const found: Partial<Record<FilterName, string>> = {};
    for (const name of ['actorUserId', 'action', 'requestId'] as const) {
      const value = draft[name].trim();
      if (!value) continue;
      const problem = problemOf(name, value);
      if (problem) found[name] = t(problem);
      else next[name] = value;
    }
    for (const name of ['from', 'to'] as const) {
      if (!draft[name]) continue;
      const iso = fromLocalInput(draft[name]);
      if (iso) next[name] = iso;
      else found[name] = t('audit.invalidTime');
    }
    setProblems(found);
    if (Object.keys(found).length === 0) setFilters(next);
  }

  // The error sits beside the input, not inside its label: the field's name stays what it is.
  const field = (name: FilterName, label: string, type: 'text' | 'datetime-local', extra = {}) => (
    <div className="filter">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type={type}
        name={name}
        value={draft[name]}
        aria-invalid={problems[name] ? true : undefined}
        aria-describedby={problems[name] ? `${id}-${name}-error` : undefined}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        {...extra}
      />
      {problems[name] && (
        <span id={`${id}-${name}-error`} className="field-error">
          {problems[name]}
        </span>
      )}
    </div>
  );

  return (
    <form className="filters" aria-label={t('audit.filters')} onSubmit={submit} noValidate>
      {field('actorUserId', t('audit.actorFilter'), 'text', { spellCheck: false, size: 36 })}
      {field('action', t('audit.actionFilter'), 'text', {
        list: `${id}-actions`,
        spellCheck: false,
        placeholder: 'request.transmit',
      })}
      <datalist id={`${id}-actions`}>
        {actions.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      {field('requestId', t('audit.requestFilter'), 'text', { spellCheck: false, size: 36 })}
      {field('from', t('audit.from', { zone }), 'datetime-local')}
      {field('to', t('audit.to', { zone }), 'datetime-local')}
      <div className="buttons">
        <button type="submit">{t('audit.apply')}</button>
        <button
          type="button"
          onClick={() => {
            setDraft(empty);
            setProblems({});
            setFilters({});
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}
