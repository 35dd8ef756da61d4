import type { Readable } from 'node:stream';

/**
 * Where sealed evidence objects live (architecture.md §5): write-once, addressed by the SHA-256 of
 * their content. Uploads are always staged in a local temporary file first (hashing and sealing
 * need it, and an aborted upload must leave nothing in the store); `publish` then makes the object
 * durable under its key, and only after that does the database record it.
 */
export abstract class EvidenceStore {
  /** Which adapter this is, for health and logs. */
  abstract readonly kind: string;

  /**
   * Makes the complete, already fsynced local file `stagedFile` durable as `key`. When `key` already
   * exists it is kept untouched (content addressing: same key, same content) and `false` comes back.
   * Never overwrites; an error means nothing durable can be assumed.
   */
  abstract publish(stagedFile: string, key: string): Promise<boolean>;

  /** Bytes `start`..`end` (inclusive) of the object; the stream errors when the object is missing. */
  abstract read(key: string, start: number, end: number): Readable;

  /** The object's size in bytes, or undefined when there is none. */
  abstract size(key: string): Promise<number | undefined>;

  /** Removes the object (disposal). Removing a missing object is not an error. */
  abstract remove(key: string): Promise<void>;

  /** Every key held, for the sweep of objects no row refers to. */
  abstract keys(): AsyncIterable<{ key: string; modifiedAt: Date }>;

  /** Releases connections at shutdown; nothing to do for a local directory. */
  async close(): Promise<void> {}
}

/** The store's key for content with this SHA-256 (hex): fanned out so no directory grows huge. */
export function contentKey(sha256Hex: string): string {
  return `sha256/${sha256Hex.slice(0, 2)}/${sha256Hex.slice(2, 4)}/${sha256Hex}`;
}

/** The store could not make the bytes durable (disk full, I/O error). */
export class StorageFailure extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageFailure';
  }
}
