import { type FormEvent, useId, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@mla/api-client';
import { formatDateTime } from '../format';
import { counterpartOf, DualTime } from './DualTime';
import { TimelineEvent } from './TimelineEvent';
import { useI18n } from '../i18n';
import { useApi, useSession } from '../session';

type Evidence = Schemas['EvidenceDto'];
type Request = Pick<Schemas['RequestDto'], 'id' | 'status' | 'requestedAgency' | 'requestingAgency'>;
type Package = Schemas['EvidencePackageDto'];

/** The statuses in which the requested side may upload (the API refuses any other: evidence.upload_not_allowed). */
const UPLOAD_STATUSES: readonly Schemas['RequestDto']['status'][] = ['accepted', 'in_execution'];

export function formatSize(bytes: number, language: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

async function sha256Hex(blob: Blob): Promise<string | null> {
  // SubtleCrypto exists only in secure contexts (https, localhost).
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The evidence received on a request: each item's size, the SHA-256 the portal computed on receipt,
 * its custody trail, a download; and for the requested side, while it may, an upload with progress.
 */
export function EvidenceSection({ request, me }: { request: Request; me: Schemas['MeDto'] | undefined }) {
  const { t } = useI18n();
  const client = useApi();
  // Roles without evidence.read (a supervisor, say) have nothing to see here: no call, no section.
  const mayRead = me?.permissions.includes('evidence.read') ?? false;
  const evidence = useQuery({
    queryKey: ['request', request.id, 'evidence'],
    enabled: mayRead,
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/requests/{id}/evidence', {
        params: { path: { id: request.id } },
      });
      if (!data) throw new Error(error?.code ?? 'evidence');
      return data.items;
    },
  });
  const mayUpload =
    me !== undefined &&
    me.permissions.includes('evidence.upload') &&
    me.agency.stateCode === request.requestedAgency.stateCode &&
    UPLOAD_STATUSES.includes(request.status);

  if (!mayRead) return null;
  return (
    <section aria-labelledby="evidence-heading" className="evidence">
      <h2 id="evidence-heading">{t('evidence.heading')}</h2>
      {mayUpload && <UploadForm requestId={request.id} />}
      {mayUpload && (
        <SealForm
          requestId={request.id}
          undelivered={
            (evidence.data ?? []).filter((item) => item.packageId === null && !item.disposedAt).length
          }
        />
      )}
      <Packages
        requestId={request.id}
        mayAcknowledge={me !== undefined && me.agency.stateCode === request.requestingAgency.stateCode}
      />
      {evidence.isPending ? (
        <p>{t('app.loading')}</p>
      ) : evidence.error ? (
        <p role="alert" className="error">
          {t('app.error', { code: evidence.error.message })}
        </p>
      ) : evidence.data.length === 0 ? (
        <p>{t('evidence.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('evidence.file')}</th>
              <th scope="col">{t('evidence.size')}</th>
              <th scope="col">{t('evidence.sha256')}</th>
              <th scope="col">{t('evidence.receivedAt')}</th>
              <th scope="col">{t('evidence.integrity')}</th>
              <th scope="col">{t('evidence.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {evidence.data.map((item) => (
              <EvidenceRow key={item.id} item={item} counterpart={counterpartOf(request, me)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EvidenceRow({
  item,
  counterpart,
}: {
  item: Evidence;
  counterpart: ReturnType<typeof counterpartOf>;
}) {
  const { t, language } = useI18n();
  const client = useApi();
  const [custodyOpen, setCustodyOpen] = useState(false);
  const [download, setDownload] = useState<{
    kind: 'busy' | 'done' | 'failed';
    text: string;
    hash?: string;
  } | null>(null);
  const custodyId = useId();
  const custody = useQuery({
    queryKey: ['evidence', item.id, 'custody'],
    enabled: custodyOpen,
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/evidence/{id}/custody', {
        params: { path: { id: item.id } },
      });
      if (!data) throw new Error(error?.code ?? 'custody');
      return data.events;
    },
  });

  async function save() {
    setDownload({ kind: 'busy', text: t('evidence.downloading') });
    try {
      // Through the API client, so the bearer token goes with it; then saved from memory.
      const { data, error } = await client.GET('/v1/evidence/{id}/content', {
        params: { path: { id: item.id }, query: { purpose: 'download from the request page' } },
        parseAs: 'blob',
      });
      if (!data) {
        setDownload({
          kind: 'failed',
          text: t('evidence.downloadFailed', { message: error?.message ?? '' }),
        });
        return;
      }
      const hash = await sha256Hex(data);
      const url = URL.createObjectURL(data);
      const link = document.createElement('a');
      link.href = url;
      link.download = item.fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setDownload(
        hash === null
          ? { kind: 'done', text: t('evidence.downloaded') }
          : {
              kind: hash === item.sha256 ? 'done' : 'failed',
              text: hash === item.sha256 ? t('evidence.hashMatches') : t('evidence.hashDiffers'),
              hash,
            },
      );
    } catch (error) {
      setDownload({ kind: 'failed', text: t('evidence.downloadFailed', { message: String(error) }) });
    }
  }

  return (
    <>
      <tr className={item.integrity === 'failed' ? 'overdue' : undefined}>
        <th scope="row" dir="auto">
          {item.fileName}
          {item.description && <div className="hint">{item.description}</div>}
        </th>
        <td>{formatSize(item.size, language)}</td>
        <td>
          <code className="sha256" data-testid="evidence-sha256">
            {item.sha256}
          </code>
        </td>
        <td>
          <DualTime iso={item.uploadedAt} counterpart={counterpart} />
          {item.packageId && <div className="hint">{t('evidence.delivered')}</div>}
        </td>
        <td>
          {t(item.integrity === 'intact' ? 'evidence.intact' : 'evidence.failed')}
          {item.disposedAt && <div className="hint">{t('evidence.disposed')}</div>}
        </td>
        <td>
          <div className="buttons">
            {!item.disposedAt && (
              <button
                type="button"
                onClick={() => void save()}
                disabled={download?.kind === 'busy'}
                aria-label={t('evidence.downloadNamed', { file: item.fileName })}
              >
                {t('evidence.download')}
              </button>
            )}
            <button
              type="button"
              aria-expanded={custodyOpen}
              aria-controls={custodyId}
              onClick={() => setCustodyOpen(!custodyOpen)}
            >
              {t('evidence.custody')}
            </button>
          </div>
          <p role="status" className={download?.kind === 'failed' ? 'error' : undefined}>
            {download?.text}
            {download?.hash && (
              <>
                {' '}
                <code className="sha256" data-testid="download-sha256">
                  {download.hash}
                </code>
              </>
            )}
          </p>
        </td>
      </tr>
      {custodyOpen && (
        <tr id={custodyId}>
          <td colSpan={6}>
            {custody.isPending ? (
              <p>{t('app.loading')}</p>
            ) : custody.error ? (
              <p role="alert" className="error">
                {t('app.error', { code: custody.error.message })}
              </p>
            ) : (
              <ol className="timeline" aria-label={t('evidence.custodyOf', { file: item.fileName })}>
                {custody.data.map((event) => (
                  <li key={event.seq}>
                    <TimelineEvent
                      at={event.at}
                      action={event.event}
                      actor={event.actor}
                      outcome={event.outcome}
                      counterpart={counterpart}
                    >
                      {event.purpose && <> · {event.purpose}</>} ·{' '}
                      {t('evidence.auditSeq', { seq: event.seq })}
                    </TimelineEvent>
                  </li>
                ))}
              </ol>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

function UploadForm({ requestId }: { requestId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const queryClient = useQueryClient();
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<
    | { kind: 'done'; evidence: Evidence; receipt: Schemas['SignedReceiptDto'] }
    | { kind: 'failed'; text: string }
    | null
  >(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    const form = new FormData();
    if (description.trim()) form.append('description', description.trim());
    // The file goes last: the portal streams it and reads the other fields before it.
    form.append('file', file, file.name);
    setResult(null);
    setProgress(0);
    try {
      const answer = await session.upload(`/v1/requests/${requestId}/evidence`, form, setProgress);
      if (answer.status === 201) {
        const body = answer.body as Schemas['EvidenceUploadResultDto'];
        setProgress(1);
        setResult({ kind: 'done', evidence: body.evidence, receipt: body.receipt });
        // Sent: the form is ready for the next file (a second click must not send this one again).
        setFile(null);
        setDescription('');
        if (fileInput.current) fileInput.current.value = '';
        void queryClient.invalidateQueries({ queryKey: ['request', requestId] });
      } else {
        const body = answer.body as Partial<Schemas['ErrorResponseDto']> | undefined;
        setProgress(null);
        setResult({
          kind: 'failed',
          text: t('evidence.uploadFailed', { message: body?.message ?? String(answer.status) }),
        });
      }
    } catch (error) {
      setProgress(null);
      setResult({ kind: 'failed', text: t('evidence.uploadFailed', { message: String(error) }) });
    }
  }

  const busy = progress !== null && result === null;
  return (
    <form className="upload" aria-labelledby={`${id}-heading`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-heading`}>{t('evidence.uploadHeading')}</h3>
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('evidence.fileLabel')}</label>
        <input
          id={`${id}-file`}
          ref={fileInput}
          type="file"
          aria-required="true"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setResult(null);
            setProgress(null);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{t('evidence.description')}</label>
        <textarea
          id={`${id}-description`}
          maxLength={2000}
          dir="auto"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
      </div>
      <div className="buttons">
        <button type="submit" disabled={!file || busy}>
          {busy ? t('evidence.uploading') : t('evidence.upload')}
        </button>
      </div>
      {progress !== null && (
        <progress
          max={100}
          value={Math.round(progress * 100)}
          aria-label={t('evidence.progress')}
          aria-valuetext={`${Math.round(progress * 100)} %`}
        />
      )}
      <div role="status">
        {result?.kind === 'done' && (
          <p>
            {t('evidence.uploaded', { file: result.evidence.fileName })}{' '}
            <code className="sha256" data-testid="upload-sha256">
              {result.evidence.sha256}
            </code>{' '}
            {t('evidence.receiptSigned', { keyId: result.receipt.signature.keyId })}
          </p>
        )}
        {result?.kind === 'failed' && <p className="error">{result.text}</p>}
      </div>
    </form>
  );
}

/** The requested side delivers what it uploaded: a sealed, signed package the requesting side then sees. */
function SealForm({ requestId, undelivered }: { requestId: string; undelivered: number }) {
  const { t } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const [note, setNote] = useState('');
  const [final, setFinal] = useState(false);
  const [status, setStatus] = useState<{ failed: boolean; text: string } | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    try {
      const { data, error } = await client.POST('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
        body: { final, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      if (data) {
        setStatus({ failed: false, text: t('evidence.sealed', { sequence: data.sequence }) });
        setNote('');
        void queryClient.invalidateQueries({ queryKey: ['request', requestId] });
      } else setStatus({ failed: true, text: t('evidence.sealFailed', { message: error?.message ?? '' }) });
    } catch (error) {
      setStatus({ failed: true, text: t('evidence.sealFailed', { message: String(error) }) });
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="upload" aria-labelledby={`${id}-heading`} onSubmit={(event) => void submit(event)}>
      <h3 id={`${id}-heading`}>{t('evidence.sealHeading')}</h3>
      <div className="field">
        <label htmlFor={`${id}-note`}>{t('evidence.sealNote')}</label>
        <textarea
          id={`${id}-note`}
          maxLength={2000}
          dir="auto"
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      <label className="check">
        <input type="checkbox" checked={final} onChange={(event) => setFinal(event.target.checked)} />{' '}
        {t('evidence.sealFinal')}
      </label>
      <p className="hint">{t('evidence.undelivered', { count: undelivered })}</p>
      <div className="buttons">
        {/* Stays in place when everything is delivered, so its outcome can still be read. */}
        <button type="submit" disabled={sending || undelivered === 0}>
          {t('evidence.seal')}
        </button>
      </div>
      <p role="status" className={status?.failed ? 'error' : undefined}>
        {status?.text}
      </p>
    </form>
  );
}

interface ManifestItem {
  id: string;
  fileName: string;
  sha256: string;
}

function manifestItems(pkg: Package): ManifestItem[] {
  const items: unknown = pkg.manifest.items;
  return Array.isArray(items) ? (items as ManifestItem[]) : [];
}

/**
 * The delivered packages; the requesting side acknowledges one by hashing every item it downloads
 * itself and sending those hashes: the portal records whether each matches the sealed manifest.
 */
function Packages({ requestId, mayAcknowledge }: { requestId: string; mayAcknowledge: boolean }) {
  const { t, language } = useI18n();
  const client = useApi();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<{ failed: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const packages = useQuery({
    queryKey: ['request', requestId, 'packages'],
    queryFn: async () => {
      const { data, error } = await client.GET('/v1/requests/{id}/evidence-packages', {
        params: { path: { id: requestId } },
      });
      if (!data) throw new Error(error?.code ?? 'packages');
      return data.items;
    },
  });

  async function acknowledge(pkg: Package) {
    setBusy(pkg.id);
    setStatus(null);
    try {
      const items: { id: string; sha256: string }[] = [];
      for (const item of manifestItems(pkg)) {
        const { data, error } = await client.GET('/v1/evidence/{id}/content', {
          params: { path: { id: item.id }, query: { purpose: 'acknowledgement of receipt' } },
          parseAs: 'blob',
        });
        const hash = data ? await sha256Hex(data) : null;
        if (!hash) {
          setStatus({
            failed: true,
            text: t('evidence.ackFailed', { message: error?.message ?? item.fileName }),
          });
          return;
        }
        items.push({ id: item.id, sha256: hash });
      }
      const { data, error } = await client.POST('/v1/evidence-packages/{id}/acknowledgement', {
        params: { path: { id: pkg.id } },
        body: { items },
      });
      if (data) {
        const mismatched = (data.acknowledgement ?? []).filter((entry) => !entry.matches).length;
        setStatus({
          failed: mismatched > 0,
          text: mismatched > 0 ? t('evidence.ackMismatch', { count: mismatched }) : t('evidence.ackDone'),
        });
        void queryClient.invalidateQueries({ queryKey: ['request', requestId] });
      } else setStatus({ failed: true, text: t('evidence.ackFailed', { message: error?.message ?? '' }) });
    } catch (error) {
      setStatus({ failed: true, text: t('evidence.ackFailed', { message: String(error) }) });
    } finally {
      setBusy(null);
    }
  }

  if (!packages.data || packages.data.length === 0) return null;
  return (
    <section aria-labelledby="packages-heading">
      <h3 id="packages-heading">{t('evidence.packages')}</h3>
      <ul className="packages">
        {packages.data.map((pkg) => (
          <li key={pkg.id}>
            {t('evidence.packageLine', {
              sequence: pkg.sequence,
              count: manifestItems(pkg).length,
              sealedAt: formatDateTime(pkg.sealedAt, language),
              keyId: pkg.signature.keyId,
            })}{' '}
            <strong>{t(`evidence.packageStatus.${pkg.status}`)}</strong>
            {pkg.final && <> · {t('evidence.finalDelivery')}</>}
            {mayAcknowledge && pkg.status === 'sealed' && (
              <>
                {' '}
                <button type="button" disabled={busy !== null} onClick={() => void acknowledge(pkg)}>
                  {busy === pkg.id
                    ? t('evidence.acknowledging')
                    : t('evidence.acknowledge', { sequence: pkg.sequence })}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <p role="status" className={status?.failed ? 'error' : undefined}>
        {status?.text}
      </p>
    </section>
  );
}
