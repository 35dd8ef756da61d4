import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { EvidenceStore, StorageFailure } from './evidence-store';

/**
 * Evidence on a local (or mounted) file system. Publishing is `link(2)` of the fsynced staged file
 * to its content address, then fsync of every directory the link touched: the object appears whole
 * or not at all (no rename over an existing object, so a concurrent upload of the same content
 * never replaces bytes another row already refers to), and it survives a power cut once `publish`
 * returns. Any fsync error fails the upload; it is never retried (the fsyncgate lesson, EVD-07).
 */
export class LocalEvidenceStore extends EvidenceStore {
  readonly kind = 'local';
  private readonly objects: string;

  constructor(readonly root: string) {
    super();
    this.objects = join(root, 'objects');
  }

  async publish(stagedFile: string, key: string): Promise<boolean> {
    const target = this.pathOf(key);
    try {
      const created = await this.makeDirectories(dirname(target));
      try {
        await link(stagedFile, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
      // The new name, and any directory made for it, are durable only once their parents are synced.
      await fsyncDirectory(dirname(target));
      for (const directory of created) await fsyncDirectory(dirname(directory));
      return true;
    } catch (error) {
      throw new StorageFailure(`could not store the object durably: ${(error as Error).message}`, error);
    }
  }

  read(key: string, start: number, end: number): Readable {
    return createReadStream(this.pathOf(key), { start, end, highWaterMark: 1024 * 1024 });
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    await fsyncDirectory(dirname(this.pathOf(key))).catch(() => undefined);
  }

  async *keys(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    let entries;
    try {
      entries = await readdir(this.objects, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      yield { key: relative(this.objects, path).split(sep).join('/'), modifiedAt: (await stat(path)).mtime };
    }
  }

  private pathOf(key: string): string {
    // Keys come from contentKey(): hex and slashes only. Anything else is a programming error.
    if (!/^[a-z0-9]+(\/[a-z0-9]+)*$/.test(key)) throw new Error(`invalid store key ${key}`);
    return join(this.objects, ...key.split('/'));
  }

  /** mkdir -p, returning the directories it created (outermost first). */
  private async makeDirectories(directory: string): Promise<string[]> {
    const first = await mkdir(directory, { recursive: true });
    if (!first) return [];
    const created: string[] = [];
    for (let current = directory; ; current = dirname(current)) {
      created.unshift(current);
      if (current === first) break;
    }
    return created;
  }
}

export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
