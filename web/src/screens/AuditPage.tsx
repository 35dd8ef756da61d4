import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths, Schemas } from '@mla/api-client';
import { checkEntryProof, type Failure, fromBase64, verifyConsistency } from '../audit/merkle';
import { type NoteCheck, verifyCheckpointNote } from '../audit/note';
import { formatDateTime } from '../format';
import { isMessageKey, type MessageKey, type Translate, useI18n } from '../i18n';
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

/** The filters of the address that readFilters drops as malformed: the screen says it ignored them. */
export function ignoredFilters(search: string): FilterName[] {
  const params = new URLSearchParams(search);
  return FILTERS.filter((name) => {
    const value = params.get(name);
    return value !== null && value !== '' && problemOf(name, value) !== undefined;
  });
}

const FILTER_LABELS: Record<FilterName, MessageKey> = {
  actorUserId: 'audit.actorFilter',
  action: 'audit.actionFilter',
  requestId: 'audit.requestFilter',
  from: 'audit.fromName',
  to: 'audit.toName',
};

/** An API call that did not answer with data: its HTTP status and the envelope's code, if any. */
class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(code ?? `HTTP ${status}`);
  }
}

/**
 * What went wrong, in the reader's language: the server's code and English message are for logs,
 * not for the auditor. A thrown TypeError is fetch's own way of saying the network failed.
 */
function failureText(t: Translate, error: unknown): string {
  if (error instanceof RequestFailed) {
    if (error.status === 401) return t('audit.error.signedOut');
    if (error.status === 403) return t('audit.error.forbidden');
    if (error.status === 400) return t('audit.error.invalid');
    if (error.status === 404) return t('audit.error.notFound');
    if (error.status === 429) return t('audit.error.rateLimited');
    if (error.status >= 500) return t('audit.error.server', { status: error.status });
    return t('audit.error.other', { status: error.status });
  }
  if (error instanceof TypeError) return t('audit.error.network');
  return t('audit.error.unexpected');
}

type Reason = Failure<string>;

/** A verifier's reason code (merkle.ts, note.ts) in the reader's language. */
function reasonText(t: Translate, failure: Reason): string {
  const key = `audit.reason.${failure.reason}`;
  if (!isMessageKey(key)) return failure.reason;
  const values = { ...failure.values };
  // The field a row and its hashed body disagree on, named as the table's column is.
  if (failure.reason === 'fieldMismatch') values.field = fieldName(t, String(values.field));
  return t(key, values);
}

function fieldName(t: Translate, field: string): string {
  const columns: Record<string, MessageKey> = {
    seq: 'audit.seq',
    ts: 'audit.time',
    action: 'audit.action',
    outcome: 'audit.outcome',
    actor: 'audit.actor',
    request: 'audit.request',
  };
  return columns[field] ? t(columns[field]) : field;
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
  const ignored = ignoredFilters(search);
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
      <Trail filters={filters} ignored={ignored} />
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
      const { data, error, response } = await client.GET('/v1/audit/checkpoints/latest');
      if (!data) throw new RequestFailed(response.status, error?.code);
      return data;
    },
  });
}

type PublishedKeys = Schemas['PublishedKeysDto'];

/** The keys the portal publishes, read once: both the checkpoint panel and the proofs check with them. */
function keysQuery(client: ReturnType<typeof useApi>) {
  return {
    queryKey: ['audit', 'keys'],
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    queryFn: async (): Promise<PublishedKeys> => {
      const { data, response } = await client.GET('/.well-known/mla-portal/keys');
      if (!data) throw new RequestFailed(response.status, undefined);
      return data;
    },
  };
}

/** The checkpoint's signed note checked against the published keys, for exactly its size and root. */
async function checkSignature(cp: Checkpoint, published: PublishedKeys): Promise<NoteCheck> {
  return verifyCheckpointNote(cp.note, published.keys, {
    origin: published.auditLogOrigin,
    treeSize: cp.treeSize,
    rootHash: cp.rootHash,
  });
}

type Continuity =
  | { kind: 'verified'; from: number; to: number }
  | { kind: 'failed'; from: number; to: number; reason: string };

function Integrity({ mayVerify }: { mayVerify: boolean }) {
  const { t, language } = useI18n();
  const client = useApi();
  const checkpoint = useCheckpoint();
  const verify = useMutation({
    mutationFn: async () => {
      const { data, error, response } = await client.GET('/v1/audit/verify');
      if (!data) throw new RequestFailed(response.status, error?.code);
      return data;
    },
  });
  const [exported, setExported] = useState<{ ok: boolean; text: string } | null>(null);
  // The keys the portal publishes, and the checkpoint's signature checked with them here.
  const keys = useQuery(keysQuery(client));
  const signature = useQuery({
    queryKey: ['audit', 'checkpoint-signature', checkpoint.data?.treeSize, checkpoint.data?.note],
    enabled: checkpoint.data !== undefined && keys.data !== undefined,
    staleTime: Infinity,
    queryFn: async (): Promise<NoteCheck | { ok: false; reason: 'noSubtleCrypto' }> => {
      if (!globalThis.crypto?.subtle) return { ok: false, reason: 'noSubtleCrypto' };
      return checkSignature(checkpoint.data!, keys.data!);
    },
  });

  /*
   * RFC 9162 §2.1.4: the last checkpoint whose signature verified here, and, when a newer one is
   * fetched, the proof that its tree extends that one. Without it a refreshed checkpoint could sign
   * a rewritten history and the screen would not notice. The older one stays the reference until a
   * newer one is proved consistent with it: a failed check is never quietly forgotten.
   */
  // A ref, not state: nothing renders it, and it changes only as a check concludes.
  const trusted = useRef<Checkpoint | null>(null);
  const [continuity, setContinuity] = useState<Continuity | null>(null);
  const checking = useRef<string | null>(null);
  const cp = checkpoint.data;
  useEffect(() => {
    // The signature query is keyed on the checkpoint's note: its answer is this checkpoint's own.
    if (!cp || signature.data?.ok !== true) return;
    const older = trusted.current;
    if (!older) {
      trusted.current = cp;
      return;
    }
    if (older.treeSize === cp.treeSize && older.rootHash === cp.rootHash) return;
    const pair = `${older.treeSize}:${older.rootHash}>${cp.treeSize}:${cp.rootHash}`;
    if (checking.current === pair) return;
    checking.current = pair;
    const from = older.treeSize;
    const to = cp.treeSize;
    void (async () => {
      const verdict = await proveConsistency(client, older, cp).catch((error: unknown) => ({
        ok: false as const,
        text: failureText(t, error),
      }));
      if (verdict.ok) {
        trusted.current = cp;
        setContinuity({ kind: 'verified', from, to });
      } else {
        const reason = 'text' in verdict ? verdict.text : reasonText(t, verdict);
        setContinuity({ kind: 'failed', from, to, reason });
      }
    })();
  }, [cp, signature.data, client, t]);

  async function exportLog() {
    setExported({ ok: true, text: t('audit.exporting') });
    try {
      // Through the client, so the bearer token goes with it; saved from memory (the CSP allows
      // blob: downloads, and no inline script is needed).
      const { data, error, response } = await client.GET('/v1/audit/export', { parseAs: 'blob' });
      if (!data) {
        const message = failureText(t, new RequestFailed(response.status, error?.code));
        setExported({ ok: false, text: t('audit.exportFailed', { message }) });
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
      setExported({ ok: false, text: t('audit.exportFailed', { message: failureText(t, error) }) });
    }
  }

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
            {t('audit.verifyFailed', { reason: failureText(t, verify.error) })}
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
          {t('audit.checkpointFailed', { reason: failureText(t, checkpoint.error) })}
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
          {/* The row's own time: the signed note carries none, so nothing vouches for it. */}
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
                {t('audit.signatureFailed', { reason: reasonText(t, signature.data) })}
              </span>
            )}
            {(keys.error ?? signature.error) && (
              <span role="alert" className="error">
                {t('audit.signatureFailed', { reason: failureText(t, keys.error ?? signature.error) })}
              </span>
            )}
            {!signature.data && !keys.error && !signature.error && '…'}
          </dd>
          <dt>{t('audit.continuity')}</dt>
          <dd data-testid="checkpoint-continuity">
            {continuity?.kind === 'verified' && (
              <span role="status" className="verified">
                {t('audit.consistent', { from: continuity.from, to: continuity.to })}
              </span>
            )}
            {continuity?.kind === 'failed' && (
              <span role="alert" className="error">
                {t('audit.inconsistent', {
                  from: continuity.from,
                  to: continuity.to,
                  reason: continuity.reason,
                })}
              </span>
            )}
            {!continuity && t('audit.continuityFirst')}
          </dd>
        </dl>
      )}
    </section>
  );
}

/**
 * Whether the tree of `newer` extends the tree of `older`: the proof is asked for between the two
 * sizes and checked here against the two signed roots, never against the roots the answer carries.
 * A tree that shrank, or a same-sized one with another root, needs no proof to be refused.
 */
async function proveConsistency(
  client: ReturnType<typeof useApi>,
  older: Checkpoint,
  newer: Checkpoint,
): Promise<{ ok: true } | Reason> {
  const root1 = fromBase64(older.rootHash);
  const root2 = fromBase64(newer.rootHash);
  if (!root1 || !root2) return { ok: false, reason: 'undecodable' };
  if (newer.treeSize < older.treeSize) return { ok: false, reason: 'shrunk' };
  if (newer.treeSize === older.treeSize)
    return verifyConsistency(older.treeSize, newer.treeSize, root1, root2, []);
  const { data, error, response } = await client.GET('/v1/audit/proofs/consistency', {
    params: { query: { from: older.treeSize, to: newer.treeSize } },
  });
  if (!data) throw new RequestFailed(response.status, error?.code);
  if (data.from !== older.treeSize || data.to !== newer.treeSize) return { ok: false, reason: 'otherSizes' };
  const proof = data.proof.map(fromBase64);
  if (proof.some((p) => p === undefined)) return { ok: false, reason: 'undecodable' };
  return verifyConsistency(older.treeSize, newer.treeSize, root1, root2, proof as Uint8Array[]);
}

type ProofState =
  | { seq: number; kind: 'busy' }
  | { seq: number; kind: 'verified'; treeSize: number; redacted: boolean }
  | { seq: number; kind: 'failed'; reasons: string[] };

function Trail({ filters, ignored }: { filters: Filters; ignored: FilterName[] }) {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const checkpoint = useCheckpoint();
  const [proof, setProof] = useState<ProofState | null>(null);
  // Applying filters remounts the form (its fields follow the address): focus goes to the results.
  const caption = useRef<HTMLTableCaptionElement>(null);
  const focusResults = useRef(false);
  const events = useInfiniteQuery({
    queryKey: ['audit', 'events', filters],
    refetchOnWindowFocus: false,
    staleTime: Infinity,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: Schemas['AuditEventPageDto']) => page.nextCursor ?? undefined,
    queryFn: async ({ pageParam }) => {
      const { data, error, response } = await client.GET('/v1/audit/events', {
        params: { query: { ...filters, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
      });
      if (!data) throw new RequestFailed(response.status, error?.code);
      return data;
    },
  });
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const actions = [...new Set(rows.map((row) => row.action))].sort();
  const filterKey = JSON.stringify(filters);

  useEffect(() => {
    if (!focusResults.current) return;
    focusResults.current = false;
    caption.current?.focus();
  }, [filterKey]);

  /**
   * An entry is verified only when both hold: the checkpoint the proof is checked against is signed
   * by a published key (its own note, for exactly the size and root used here, not whatever the
   * panel above last showed), and the proof leads from the entry's body, as its row shows it, to
   * that checkpoint's root. Either failing is said, by name.
   */
  async function checkProof(entry: AuditEvent) {
    setProof({ seq: entry.seq, kind: 'busy' });
    try {
      if (!globalThis.crypto?.subtle) {
        setProof({ seq: entry.seq, kind: 'failed', reasons: [t('audit.reason.noSubtleCrypto')] });
        return;
      }
      // The checkpoint on screen, or a newer one when the entry came after it (signed on demand).
      let signed = checkpoint.data;
      if (!signed || signed.treeSize < entry.seq) {
        const refreshed = await checkpoint.refetch();
        if (refreshed.error) throw refreshed.error;
        signed = refreshed.data;
      }
      if (!signed) throw new Error('no checkpoint');
      const published = await queryClient.fetchQuery(keysQuery(client));
      const { data, error, response } = await client.GET('/v1/audit/proofs/inclusion', {
        params: { query: { seq: entry.seq, treeSize: signed.treeSize } },
      });
      if (!data) throw new RequestFailed(response.status, error?.code);
      const [note, included] = await Promise.all([
        checkSignature(signed, published),
        checkEntryProof(entry, signed, data),
      ]);
      const reasons: string[] = [];
      if (!note.ok) reasons.push(t('audit.proofBadSignature', { reason: reasonText(t, note) }));
      if (!included.ok) reasons.push(t('audit.proofBadInclusion', { reason: reasonText(t, included) }));
      setProof(
        note.ok && included.ok
          ? { seq: entry.seq, kind: 'verified', treeSize: signed.treeSize, redacted: included.redacted }
          : { seq: entry.seq, kind: 'failed', reasons },
      );
    } catch (error) {
      setProof({ seq: entry.seq, kind: 'failed', reasons: [failureText(t, error)] });
    }
  }

  return (
    <section aria-labelledby="trail-heading">
      <h2 id="trail-heading">{t('audit.trail')}</h2>
      {ignored.length > 0 && (
        <p role="status" className="hint" data-testid="ignored-filters">
          {t('audit.ignoredFilters', { filters: ignored.map((name) => t(FILTER_LABELS[name])).join(', ') })}
        </p>
      )}
      <FilterForm
        key={filterKey}
        filters={filters}
        actions={actions}
        onApply={() => {
          focusResults.current = true;
        }}
      />
      <div className="outcome">
        {proof?.kind === 'busy' && <p role="status">{t('audit.proofChecking', { seq: proof.seq })}</p>}
        {proof?.kind === 'verified' && (
          <p role="status" className="verified" data-testid="proof-result">
            {t(proof.redacted ? 'audit.proofVerifiedRedacted' : 'audit.proofVerified', {
              seq: proof.seq,
              treeSize: proof.treeSize,
            })}
          </p>
        )}
        {proof?.kind === 'failed' && (
          <p role="alert" className="error" data-testid="proof-result">
            {t('audit.proofFailed', { seq: proof.seq, reason: proof.reasons.join(' ') })}
          </p>
        )}
        {events.error && (
          <p role="alert" className="error">
            {t('audit.eventsFailed', { reason: failureText(t, events.error) })}
          </p>
        )}
      </div>
      {/* Polite: how many entries the filters give, said once the list has them. */}
      <p role="status" className="hint" data-testid="entries-shown">
        {events.isPending ? '' : t('audit.shown', { count: rows.length })}
      </p>
      <table className="audit-events">
        <caption ref={caption} tabIndex={-1}>
          {t('audit.caption')}
        </caption>
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
            // The name starts with the words shown (WCAG 2.5.3), so speech input finds the button.
            aria-label={t('audit.byActor', {
              shown: `${roleLabel(t, entry.actor.role)} · ${short(entry.actor.userId)}`,
              id: entry.actor.userId,
            })}
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
            aria-label={t('audit.forRequest', { shown: short(entry.requestId), id: entry.requestId })}
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
function FilterForm({
  filters,
  actions,
  onApply,
}: {
  filters: Filters;
  actions: string[];
  /** Called as the filters are applied (or cleared), before the address changes. */
  onApply: () => void;
}) {
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
    if (Object.keys(found).length === 0) {
      onApply();
      setFilters(next);
    }
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
            onApply();
            setFilters({});
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
}
