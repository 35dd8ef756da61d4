import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import { StorageFailure } from '../storage/evidence-store';
import { type EvidenceVault, type StagedUpload, UploadTooLargeError } from '../storage/evidence-vault';

/** What one multipart upload carried: the staged file, its given name and type, and the form fields. */
export interface ReceivedUpload {
  staged: StagedUpload;
  fileName: string;
  declaredMediaType: string | null;
  fields: Record<string, string>;
}

const FIELD_LIMITS = { fields: 20, fieldSize: 8 * 1024, parts: 24, files: 1 };
/**
 * After the limit is passed the rest of the body is read and dropped, so the client gets a clean 413
 * instead of a reset connection; past this much more, the connection is cut.
 */
const DRAIN_ALLOWANCE = 64 * 1024 * 1024;
/** No byte for this long and the upload is abandoned. */
const IDLE_TIMEOUT_MS = 60_000;

/** The body ended before the upload was complete: the client went away or stalled. */
export class UploadIncompleteError extends Error {
  constructor() {
    super('the upload ended before it was complete');
  }
}

/**
 * Reads a `multipart/form-data` upload with exactly one part named `file`, streaming it into a sealed
 * staging file (never into memory) while the form fields are collected. On any failure the staging
 * file is removed and nothing remains.
 */
/** Refuses a body that is not multipart/form-data (after the request's access checks). */
function assertMultipart(request: IncomingMessage): void {
  const type = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type))
    throw ValidationFailedError.field(
      'file',
      'the body must be multipart/form-data with one part named file',
    );
}

export async function receiveUpload(
  request: IncomingMessage,
  vault: EvidenceVault,
  maxBytes: number,
): Promise<ReceivedUpload> {
  assertMultipart(request);
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: FIELD_LIMITS,
      highWaterMark: 1024 * 1024,
      // Browsers and fetch send file names as raw UTF-8 (RFC 7578 §4.2); busboy's default is Latin-1.
      defParamCharset: 'utf8',
    });
  } catch {
    throw ValidationFailedError.field('file', 'the multipart body has no valid boundary');
  }
  const fields: Record<string, string> = {};
  const problems: string[] = [];
  let staging: Promise<StagedUpload> | undefined;
  let fileName = '';
  let declaredMediaType: string | null = null;
  let received = 0;

  // A client that stops sending is cut off after a while, so a stalled upload holds nothing for long.
  const idle = setTimeout(() => request.destroy(), IDLE_TIMEOUT_MS);
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    idle.refresh();
    // A client that keeps sending long after it was refused is cut off.
    if (received > maxBytes + DRAIN_ALLOWANCE) request.destroy();
  });

  const finished = new Promise<void>((resolve, reject) => {
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || staging) {
        problems.push(`unexpected file part ${name}`);
        stream.resume();
        return;
      }
      fileName = info.filename ?? '';
      declaredMediaType = info.mimeType || null;
      // Not destroyed when staging stops early (too large, disk full): the parser must read on to the end.
      staging = vault.stage(stream.iterator({ destroyOnReturn: false }), maxBytes);
      // Whatever happens to the staging, the rest of the part is read and dropped so the parser ends.
      staging.catch(() => stream.resume());
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) problems.push(`field ${name} is too long`);
      else fields[name] = value;
    });
    parser.on('filesLimit', () => problems.push('only one file may be sent per upload'));
    parser.on('fieldsLimit', () => problems.push('too many form fields'));
    parser.on('partsLimit', () => problems.push('too many parts'));
    parser.on('close', resolve);
    parser.on('error', reject);
    request.on('error', reject);
    // A client gone mid-upload: end the parser, which ends the file part, which ends the staging.
    request.on('close', () => {
      if (!request.complete) parser.destroy(new Error('the client aborted the upload'));
    });
  });
  request.pipe(parser);

  try {
    await finished;
  } catch (error) {
    const outcome = await staging?.then(
      (staged) => ({ staged, failure: undefined }),
      (failure: unknown) => ({ staged: undefined, failure }),
    );
    if (outcome?.staged) await vault.discard(outcome.staged);
    // Cut off for sending far past the limit, or the disk filled: that, not the cut, is the reason.
    if (outcome?.failure instanceof UploadTooLargeError || outcome?.failure instanceof StorageFailure)
      throw outcome.failure;
    if (!request.complete) throw new UploadIncompleteError();
    if (error instanceof Error && /Unexpected end of form|Malformed/i.test(error.message))
      throw ValidationFailedError.field('file', 'the multipart body is malformed or incomplete');
    throw error;
  } finally {
    clearTimeout(idle);
  }
  if (!staging) throw ValidationFailedError.field('file', 'a part named file is required');
  const staged = await staging;
  if (problems.length > 0) {
    await vault.discard(staged);
    throw ValidationFailedError.field('file', ...problems);
  }
  return { staged, fileName, declaredMediaType, fields };
}
