import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { contentKey, type EvidenceStore, StorageFailure } from './evidence-store';
import {
  BlobSealer,
  HEADER_SIZE,
  IntegrityError,
  openHeader,
  openSegment,
  SEGMENT_SIZE,
  sealedSize,
  segmentCount,
  segmentSpan,
} from './sealed-blob';

/** How many plaintext bytes of the start of an upload are kept to detect its media type. */
export const SNIFF_BYTES = 64 * 1024;
/** Sealed segments (about 1 MiB each) being written at once while the upload streams in. */
const WRITES_IN_FLIGHT = 8;

/** An upload written to a local temporary file, sealed and fsynced, not yet in the store. */
export interface StagedUpload {
  file: string;
  sha256: string;
  size: number;
  /** The first bytes of the plaintext, for media type detection. */
  head: Buffer;
}

export class UploadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${limit} bytes`);
  }
}

/**
 * Evidence bytes in and out: sealing while the upload streams in (hashed on the way), publishing
 * into the write-once store, and reading back with every byte authenticated before it is released.
 * Memory stays at about two segments per transfer, whatever the file size.
 */
export class EvidenceVault {
  private readonly staging: string;

  constructor(
    readonly store: EvidenceStore,
    private readonly masterKey: Buffer,
    root: string,
  ) {
    // Staging is local even when the store is not: a half-written upload must never reach the store.
    this.staging = join(root, 'staging');
  }

  /**
   * Streams `source` into a sealed temporary file while hashing it. Past `limit` bytes it stops with
   * UploadTooLargeError and removes the file. The file is fsynced before this returns.
   */
  async stage(source: AsyncIterable<Buffer> | Iterable<Buffer>, limit: number): Promise<StagedUpload> {
    await mkdir(this.staging, { recursive: true });
    // The .part suffix marks a file nothing refers to yet; the sweep removes any a crash leaves.
    const file = join(this.staging, `${randomUUID()}.part`);
    const handle = await open(file, 'wx', 0o600);
    const sealer = new BlobSealer(this.masterKey);
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    let position = HEADER_SIZE;
    // Writes go to explicit positions, so several may be in flight at once: the network is read
    // while the disk writes, instead of each mebibyte waiting for the one before it.
    const inFlight: Array<Promise<unknown>> = [];
    const write = async (chunks: Buffer[]): Promise<void> => {
      for (const chunk of chunks) {
        const written = handle.write(chunk, 0, chunk.length, position);
        // Handled now, awaited later: a failed write must not count as an unhandled rejection.
        written.catch(() => undefined);
        inFlight.push(written);
        position += chunk.length;
        if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
      }
    };
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > limit) throw new UploadTooLargeError(limit);
        hash.update(chunk);
        if (headLength < SNIFF_BYTES) {
          head.push(chunk.subarray(0, SNIFF_BYTES - headLength));
          headLength += Math.min(chunk.length, SNIFF_BYTES - headLength);
        }
        await write(sealer.push(chunk));
      }
      await write([sealer.finish()]);
      await Promise.all(inFlight.splice(0));
      const digest = hash.digest();
      const header = sealer.header(digest);
      await handle.write(header, 0, header.length, 0);
      try {
        await handle.sync();
      } catch (error) {
        throw new StorageFailure(`could not make the upload durable: ${(error as Error).message}`, error);
      }
      await handle.close();
      return { file, sha256: digest.toString('hex'), size, head: Buffer.concat(head) };
    } catch (error) {
      await Promise.allSettled(inFlight);
      await handle.close().catch(() => undefined);
      await rm(file, { force: true });
      if (isNoSpace(error)) throw new StorageFailure('the evidence volume is full', error);
      // Any other file-system error (EIO…) on the staging file is a storage failure too, never a 500.
      if (isSystemError(error))
        throw new StorageFailure(`could not write the upload: ${(error as Error).message}`, error);
      throw error;
    }
  }

  /** Publishes under `key` (the content address unless told otherwise); `created` false when it existed. */
  async publish(
    staged: StagedUpload,
    key = contentKey(staged.sha256),
  ): Promise<{ key: string; created: boolean }> {
    return { key, created: await this.store.publish(staged.file, key) };
  }

  async discard(staged: StagedUpload): Promise<void> {
    await rm(staged.file, { force: true });
  }

  /**
   * The plaintext of bytes `start`..`end` (inclusive) of an object of `size` bytes with this SHA-256.
   * Each segment is authenticated before any of its bytes is yielded; a whole read also checks the
   * SHA-256 at the end. Throws IntegrityError for anything that does not match.
   */
  async *plaintext(
    key: string,
    sha256: string,
    size: number,
    start = 0,
    end = size - 1,
  ): AsyncGenerator<Buffer> {
    const stored = await this.store.size(key);
    if (stored === undefined) throw new IntegrityError('the stored object is missing');
    if (stored !== sealedSize(size)) throw new IntegrityError('the stored object has the wrong length');
    const header = await readAll(this.store.read(key, 0, HEADER_SIZE - 1));
    const opened = openHeader(header, this.masterKey, Buffer.from(sha256, 'hex'));
    if (opened.segmentSize !== SEGMENT_SIZE) throw new IntegrityError('unexpected segment size');
    const whole = start === 0 && end === size - 1;
    const hash = whole ? createHash('sha256') : undefined;
    const segments = segmentCount(size);
    const first = Math.floor(start / SEGMENT_SIZE);
    const last = size === 0 ? 0 : Math.floor(end / SEGMENT_SIZE);
    const from = segmentSpan(size, first).offset;
    const lastSpan = segmentSpan(size, last);
    const stream = this.store.read(key, from, lastSpan.offset + lastSpan.length - 1);
    let index = first;
    // Chunks arrive in whatever sizes the store sends; they are joined once a whole segment is in.
    let buffered: Buffer[] = [];
    let bufferedLength = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        buffered.push(chunk);
        bufferedLength += chunk.length;
        while (index <= last && bufferedLength >= segmentSpan(size, index).length) {
          const joined = buffered.length === 1 ? buffered[0] : Buffer.concat(buffered);
          const length = segmentSpan(size, index).length;
          const plain = openSegment(opened, index, index === segments - 1, joined.subarray(0, length));
          const rest = joined.subarray(length);
          buffered = rest.length > 0 ? [rest] : [];
          bufferedLength = rest.length;
          hash?.update(plain);
          const offset = index * SEGMENT_SIZE;
          const slice = plain.subarray(Math.max(0, start - offset), Math.min(plain.length, end - offset + 1));
          index += 1;
          if (slice.length > 0) yield slice;
        }
      }
    } finally {
      stream.destroy();
    }
    if (index <= last) throw new IntegrityError('the stored object ends early');
    if (hash && hash.digest('hex') !== sha256)
      throw new IntegrityError('the content does not match its recorded SHA-256');
  }

  /**
   * A cheap look at a stored object before another item comes to rely on it: present, of the right
   * length, and with a header that opens for this content. (A flipped bit inside a segment is found
   * by the full check, on download and by the fixity job.)
   */
  async objectState(key: string, sha256: string, size: number): Promise<'sound' | 'missing' | 'damaged'> {
    const stored = await this.store.size(key);
    if (stored === undefined) return 'missing';
    if (stored !== sealedSize(size)) return 'damaged';
    try {
      openHeader(
        await readAll(this.store.read(key, 0, HEADER_SIZE - 1)),
        this.masterKey,
        Buffer.from(sha256, 'hex'),
      );
      return 'sound';
    } catch (error) {
      if (error instanceof IntegrityError) return 'damaged';
      throw error;
    }
  }

  /** Reads the whole object and reports whether it is intact (the fixity check, EVD-05). */
  async verify(key: string, sha256: string, size: number): Promise<{ intact: boolean; problem?: string }> {
    try {
      for await (const chunk of this.plaintext(key, sha256, size)) void chunk;
      return { intact: true };
    } catch (error) {
      if (error instanceof IntegrityError) return { intact: false, problem: error.problem };
      throw error;
    }
  }

  /** Removes staged files older than `olderThanMs` (left by a crash or a killed process). */
  async sweepStaging(olderThanMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.staging);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const path = join(this.staging, name);
      const info = await stat(path).catch(() => undefined);
      if (info && now - info.mtimeMs >= olderThanMs) {
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function isSystemError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}

function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
