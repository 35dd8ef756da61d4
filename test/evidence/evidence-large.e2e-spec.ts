import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  downloadEvidence,
  DownloadError,
  type TransferProgress,
  uploadEvidence,
} from '@mla/api-client/transfer';
import type { ChildProcess } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, residentBytes, startPortal } from './portal-process';
import { acceptedRequest, storedObjects, tokenOf } from './support';

const MiB = 1024 * 1024;
/** Larger than anything a buffered implementation could hide, and than the pre-verification limit. */
const SIZE = 110 * MiB;
/** The server's memory budget for an upload (architecture.md §9), whatever the file's size. */
const GROWTH_BOUND = 64 * MiB;

/** Writes `size` random bytes to `path` a mebibyte at a time, returning their SHA-256. */
async function randomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += MiB) {
    const chunk = randomBytes(Math.min(MiB, size - written));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return hash.digest('hex');
}

/** Runs `work` while sampling the server process's resident memory; returns the growth over the start. */
async function peakGrowth<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const start = residentBytes(pid);
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, residentBytes(pid));
  }, 10);
  try {
    const result = await work();
    peak = Math.max(peak, residentBytes(pid));
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The server runs as its own process (the built portal, as `npm start` runs it), so that its memory
 * is measured apart from this test's client.
 */
describe('Evidence larger than 100 MiB', () => {
  let database: TestDatabase;
  let portal: ChildProcess;
  let t: { baseUrl: string; dataDir: string };
  let dir: string;
  let source: string;
  let sourceSha: string;
  let requestId: string;
  let executing: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    portal = await startPortal(database, port);
    t = { baseUrl: `http://127.0.0.1:${port}`, dataDir: database.env.DATA_DIR };
    dir = mkdtempSync(join(tmpdir(), 'mla-large-'));
    source = join(dir, 'forensic-image.dd');
    sourceSha = await randomFile(source, SIZE);
    requestId = await acceptedRequest(t);
    executing = await tokenOf(t, 'fr.executing');
  }, 120_000);
  afterAll(async () => {
    portal?.kill('SIGKILL');
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should upload and download it streamed, with progress, and memory growth far below its size', async () => {
    const progress: TransferProgress[] = [];
    const upload = await peakGrowth(portal.pid as number, () =>
      uploadEvidence({
        baseUrl: t.baseUrl,
        token: executing,
        requestId,
        file: source,
        sha256: sourceSha,
        fields: { description: 'Forensic image of the seized laptop' },
        onProgress: (step) => progress.push(step),
      }),
    );
    if (!upload.result.ok) throw new Error(`upload failed: ${JSON.stringify(upload.result.error)}`);
    const evidence = upload.result.data.evidence;
    expect(evidence).toMatchObject({ size: SIZE, sha256: sourceSha, mediaType: 'application/octet-stream' });
    expect(upload.growth).toBeLessThan(GROWTH_BOUND);
    expect(progress.at(-1)).toEqual({ transferred: SIZE, total: SIZE });
    expect(
      progress.every((step, index) => index === 0 || step.transferred > progress[index - 1].transferred),
    ).toBe(true);
    // Stored sealed: the object is the plaintext plus an 88-byte header and a 16-byte tag per MiB.
    const [object] = (await storedObjects(t.dataDir)).filter((path) => path.endsWith(sourceSha));
    expect((await stat(object)).size).toBe(SIZE + 88 + 110 * 16);

    const destination = join(dir, 'downloaded.dd');
    const received: TransferProgress[] = [];
    const download = await peakGrowth(portal.pid as number, () =>
      downloadEvidence({
        baseUrl: t.baseUrl,
        token: executing,
        evidenceId: evidence.id,
        destination,
        purpose: 'examination copy',
        onProgress: (step) => received.push(step),
      }),
    );
    expect(download.result).toEqual({ sha256: sourceSha, size: SIZE, resumedFrom: 0 });
    expect(download.growth).toBeLessThan(GROWTH_BOUND);
    expect(received.at(-1)).toEqual({ transferred: SIZE, total: SIZE });
    process.stdout.write(
      `evidence ${SIZE / MiB} MiB: server RSS growth, upload ${(upload.growth / MiB).toFixed(1)} MiB, download ${(download.growth / MiB).toFixed(1)} MiB\n`,
    );

    // An interrupted download resumes from its partial file with a range request.
    const partial = join(dir, 'resumed.dd');
    await writeFile(`${partial}.part`, (await readFile(destination)).subarray(0, 5 * MiB + 17));
    const resumed = await downloadEvidence({
      baseUrl: t.baseUrl,
      token: executing,
      evidenceId: evidence.id,
      destination: partial,
    });
    expect(resumed).toEqual({ sha256: sourceSha, size: SIZE, resumedFrom: 5 * MiB + 17 });
  }, 300_000);

  it('should cut the connection at a corrupt segment past the pre-verified size, and never serve it again', async () => {
    const content = join(dir, 'second.dd');
    const sha = await randomFile(content, 70 * MiB);
    const upload = await uploadEvidence({ baseUrl: t.baseUrl, token: executing, requestId, file: content });
    if (!upload.ok) throw new Error('upload failed');
    const [object] = (await storedObjects(t.dataDir)).filter((path) => path.endsWith(sha));
    const handle = await import('node:fs/promises').then((fs) => fs.open(object, 'r+'));
    const position = 88 + 40 * (MiB + 16) + 5;
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, position);
    byte[0] ^= 0x04;
    await handle.write(byte, 0, 1, position);
    await handle.close();

    const destination = join(dir, 'corrupt.dd');
    await expect(
      downloadEvidence({
        baseUrl: t.baseUrl,
        token: executing,
        evidenceId: upload.data.evidence.id,
        destination,
      }),
    ).rejects.toThrow();
    // Nothing was given the final name; only the verified first 40 MiB reached the partial file.
    await expect(stat(destination)).rejects.toThrow();
    expect((await stat(`${destination}.part`)).size).toBeLessThanOrEqual(40 * MiB);
    const again = await downloadEvidence({
      baseUrl: t.baseUrl,
      token: executing,
      evidenceId: upload.data.evidence.id,
      destination,
    }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(DownloadError);
    expect((again as DownloadError).code).toBe('evidence.integrity_failure');
  }, 300_000);
});
