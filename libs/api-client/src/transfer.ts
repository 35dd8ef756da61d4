/**
 * Streaming transfers of evidence files for Node.js callers (scripts, system-to-system clients):
 * neither direction holds the file in memory, both report progress, and a download is checked
 * against the SHA-256 the portal announces before it is given its final name.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { components } from './schema';

export interface TransferProgress {
  /** Bytes of the file sent or received so far. */
  transferred: number;
  /** Size of the file when known. */
  total: number | undefined;
}

export interface Credentials {
  baseUrl: string;
  token?: string;
  apiKey?: string;
}

export interface UploadEvidenceOptions extends Credentials {
  requestId: string;
  /** Path of the file to send. */
  file: string;
  /** Name to record; by default the file's own. */
  fileName?: string;
  /** Declared SHA-256 (hex). `true`: compute it first (one more read of the file) so the portal checks it. */
  sha256?: string | true;
  /** Other form fields: description, acquisitionMethod, acquisitionTool, acquiredBy, acquiredAt… */
  fields?: Record<string, string>;
  mediaType?: string;
  /** Sent as `Idempotency-Key`; a fresh one by default. Pass the same one to retry an upload. */
  idempotencyKey?: string;
  onProgress?: (progress: TransferProgress) => void;
}

export type UploadResult =
  | { ok: true; status: number; data: components['schemas']['EvidenceUploadResultDto'] }
  | { ok: false; status: number; error: components['schemas']['ErrorResponseDto'] | undefined };

/** Quotes and line breaks escaped as RFC 7578 §4.2 and the WHATWG form encoder do. */
function escapeName(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function authHeaders(credentials: Credentials): Record<string, string> {
  return {
    ...(credentials.token ? { Authorization: `Bearer ${credentials.token}` } : {}),
    ...(credentials.apiKey ? { 'X-API-Key': credentials.apiKey } : {}),
  };
}

export async function sha256File(
  path: string,
  onProgress?: (progress: TransferProgress) => void,
): Promise<string> {
  const hash = createHash('sha256');
  const total = (await stat(path)).size;
  let transferred = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    transferred += chunk.length;
    onProgress?.({ transferred, total });
  }
  return hash.digest('hex');
}

/** Uploads one file as `multipart/form-data`, streamed from disk with a known length. */
export async function uploadEvidence(options: UploadEvidenceOptions): Promise<UploadResult> {
  const total = (await stat(options.file)).size;
  const fields: Record<string, string> = { ...options.fields };
  if (options.sha256)
    fields.sha256 = options.sha256 === true ? await sha256File(options.file) : options.sha256;
  const boundary = `----mla-portal-${randomBytes(16).toString('hex')}`;
  const name = escapeName(options.fileName ?? basename(options.file));
  const preamble = Buffer.from(
    Object.entries(fields)
      .map(
        ([key, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(key)}"\r\n\r\n${value}\r\n`,
      )
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}\r\n` +
      `Content-Type: ${options.mediaType ?? 'application/octet-stream'}\r\n\r\n`,
    'utf8',
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const onProgress = options.onProgress;
  async function* body(): AsyncGenerator<Buffer> {
    yield preamble;
    let transferred = 0;
    for await (const chunk of createReadStream(options.file, {
      highWaterMark: 1024 * 1024,
    }) as AsyncIterable<Buffer>) {
      transferred += chunk.length;
      yield chunk;
      onProgress?.({ transferred, total });
    }
    yield epilogue;
  }
  const response = await fetch(
    `${options.baseUrl}/v1/requests/${encodeURIComponent(options.requestId)}/evidence`,
    {
      method: 'POST',
      headers: {
        ...authHeaders(options),
        'Idempotency-Key': options.idempotencyKey ?? randomUUID(),
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(preamble.length + total + epilogue.length),
      },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream<Uint8Array>,
      duplex: 'half',
    },
  );
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // Not the portal's answer (a proxy's error page): report the status alone.
    parsed = undefined;
  }
  return response.ok
    ? { ok: true, status: response.status, data: parsed as components['schemas']['EvidenceUploadResultDto'] }
    : { ok: false, status: response.status, error: parsed as components['schemas']['ErrorResponseDto'] };
}

export interface DownloadEvidenceOptions extends Credentials {
  evidenceId: string;
  /** Where to write the file. It appears there only once complete and matching its SHA-256. */
  destination: string;
  /** Recorded in the item's custody trail. */
  purpose?: string;
  onProgress?: (progress: TransferProgress) => void;
}

export interface DownloadResult {
  sha256: string;
  size: number;
  /** Bytes that were already on disk from an interrupted download and were not fetched again. */
  resumedFrom: number;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/**
 * Downloads one item to `destination`. The bytes go to `destination.part` first; an interrupted
 * download is resumed from there with a range request. The SHA-256 of the whole file is compared
 * with the portal's `Repr-Digest` before the file gets its name; a mismatch leaves nothing behind.
 */
export async function downloadEvidence(options: DownloadEvidenceOptions): Promise<DownloadResult> {
  const partial = `${options.destination}.part`;
  const hash = createHash('sha256');
  let resumedFrom = 0;
  const existing = await stat(partial).catch(() => undefined);
  if (existing && existing.size > 0) {
    for await (const chunk of createReadStream(partial) as AsyncIterable<Buffer>) hash.update(chunk);
    resumedFrom = existing.size;
  }
  const query = options.purpose ? `?purpose=${encodeURIComponent(options.purpose)}` : '';
  const response = await fetch(
    `${options.baseUrl}/v1/evidence/${encodeURIComponent(options.evidenceId)}/content${query}`,
    { headers: { ...authHeaders(options), ...(resumedFrom > 0 ? { Range: `bytes=${resumedFrom}-` } : {}) } },
  );
  if (response.status === 416 && resumedFrom > 0) {
    // The partial file is already whole (or longer than the item): start again from nothing.
    await rm(partial, { force: true });
    return downloadEvidence(options);
  }
  if (!response.ok || !response.body) {
    const error = (await response.json().catch(() => undefined)) as
      { code?: string; message?: string } | undefined;
    throw new DownloadError(
      error?.message ?? `download failed with ${response.status}`,
      response.status,
      error?.code,
    );
  }
  if (resumedFrom > 0 && response.status !== 206) {
    // The server sent the whole file after all: discard what was there and start again.
    await response.body.cancel();
    await rm(partial, { force: true });
    return downloadEvidence(options);
  }
  const announced = parseReprDigest(response.headers.get('repr-digest'));
  if (!announced) {
    // Without the portal's hash there is nothing to check the file against: refuse it.
    await response.body.cancel();
    throw new DownloadError('the response carries no Repr-Digest to check the file against', response.status);
  }
  const total = totalSize(response, resumedFrom);
  let transferred = resumedFrom;
  const counted = async function* (source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buffer = Buffer.from(chunk);
      hash.update(buffer);
      transferred += buffer.length;
      options.onProgress?.({ transferred, total });
      yield buffer;
    }
  };
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
    counted,
    createWriteStream(partial, { flags: resumedFrom > 0 ? 'a' : 'w' }),
  );
  const sha256 = hash.digest('hex');
  if (total !== undefined && transferred !== total) {
    throw new DownloadError(
      `the download ended early (${transferred} of ${total} bytes); run it again to resume`,
    );
  }
  if (announced !== sha256) {
    await rm(partial, { force: true });
    throw new DownloadError(
      'the file received does not match the SHA-256 the portal announced',
      undefined,
      'digest_mismatch',
    );
  }
  await rename(partial, options.destination);
  return { sha256, size: transferred, resumedFrom };
}

/** The hex SHA-256 of `Repr-Digest: sha-256=:<base64>:` (RFC 9530), if present. */
export function parseReprDigest(header: string | null): string | undefined {
  const match = header?.match(/(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/);
  return match ? Buffer.from(match[1], 'base64').toString('hex') : undefined;
}

function totalSize(response: Response, resumedFrom: number): number | undefined {
  const range = response.headers.get('content-range')?.match(/\/(\d+)$/);
  if (range) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length ? Number(length) + resumedFrom : undefined;
}
