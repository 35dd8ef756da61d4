import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

export interface MultipartDigest {
  fields: Record<string, string>;
  fileName: string;
  declaredMediaType: string | null;
  sha256: string;
}

/**
 * Reads a multipart upload only to hash it: the form fields, the file part's name, type and SHA-256,
 * as the upload itself would have seen them (same parser, same charset). Used when a retried upload's
 * key is already completed, to tell a true retry (replayed) from another upload under the same key
 * (422). Nothing is stored. Undefined when the body is not a readable upload.
 */
export async function digestMultipart(
  request: IncomingMessage,
  maxBytes: number,
): Promise<MultipartDigest | undefined> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: { fields: 20, fieldSize: 8 * 1024, parts: 24, files: 1, fileSize: maxBytes + 1 },
      defParamCharset: 'utf8',
    });
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  let file: { fileName: string; declaredMediaType: string | null; sha256: Promise<string> } | undefined;
  let usable = true;
  const done = new Promise<void>((resolve, reject) => {
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || file) {
        usable = false;
        stream.resume();
        return;
      }
      const hash = createHash('sha256');
      stream.on('data', (chunk: Buffer) => hash.update(chunk));
      stream.on('limit', () => (usable = false));
      file = {
        fileName: info.filename ?? '',
        declaredMediaType: info.mimeType || null,
        sha256: new Promise((resolveHash) => stream.on('end', () => resolveHash(hash.digest('hex')))),
      };
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) usable = false;
      else fields[name] = value;
    });
    parser.on('close', resolve);
    parser.on('error', reject);
    request.on('error', reject);
  });
  request.pipe(parser);
  try {
    await done;
  } catch {
    return undefined;
  }
  if (!file || !usable) return undefined;
  return {
    fields,
    fileName: file.fileName,
    declaredMediaType: file.declaredMediaType,
    sha256: await file.sha256,
  };
}
