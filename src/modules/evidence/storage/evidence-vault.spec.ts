import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LocalEvidenceStore } from './local-evidence-store';
import { EvidenceVault, UploadTooLargeError } from './evidence-vault';
import { contentKey } from './evidence-store';
import { HEADER_SIZE, IntegrityError, SEGMENT_SIZE, sealedSize } from './sealed-blob';

const SIZES = [0, 1, 4095, SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 2 * SEGMENT_SIZE + 5];

describe('EvidenceVault (sealed, content-addressed storage)', () => {
  let root: string;
  let vault: EvidenceVault;
  const masterKey = randomBytes(32);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'mla-vault-'));
    vault = new EvidenceVault(new LocalEvidenceStore(root), masterKey, root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function* chunks(data: Buffer, size: number): Generator<Buffer> {
    for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
  }

  async function store(data: Buffer, chunkSize = 65536): Promise<string> {
    const staged = await vault.stage(chunks(data, chunkSize), 1024 ** 3);
    expect(staged.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(staged.size).toBe(data.length);
    const { key } = await vault.publish(staged);
    await vault.discard(staged);
    return key;
  }

  async function read(key: string, data: Buffer, start?: number, end?: number): Promise<Buffer> {
    const sha = createHash('sha256').update(data).digest('hex');
    const parts: Buffer[] = [];
    for await (const part of vault.plaintext(key, sha, data.length, start, end)) parts.push(part);
    return Buffer.concat(parts);
  }

  it.each(SIZES)('should round-trip %d bytes through segments, whole and in ranges', async (size) => {
    const data = randomBytes(size);
    const key = await store(data, 70001);
    expect(key).toBe(contentKey(createHash('sha256').update(data).digest('hex')));
    expect((await readFile(join(root, 'objects', ...key.split('/')))).length).toBe(sealedSize(size));
    expect((await read(key, data)).equals(data)).toBe(true);
    if (size > 0) {
      await fc.assert(
        fc.asyncProperty(fc.nat(size - 1), fc.nat(size - 1), async (a, b) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          expect((await read(key, data, start, end)).equals(data.subarray(start, end + 1))).toBe(true);
        }),
        { numRuns: 20 },
      );
    }
  });

  it('should keep the first object when the same content is published again', async () => {
    const data = randomBytes(5000);
    const key = await store(data);
    const path = join(root, 'objects', ...key.split('/'));
    const first = await readFile(path);
    const staged = await vault.stage(chunks(data, 1000), 10000);
    expect(await vault.store.publish(staged.file, key)).toBe(false);
    await vault.discard(staged);
    expect((await readFile(path)).equals(first)).toBe(true);
  });

  it('should detect any changed, swapped, truncated or extended stored bytes', async () => {
    const data = randomBytes(SEGMENT_SIZE + 1000);
    const key = await store(data);
    const path = join(root, 'objects', ...key.split('/'));
    const original = await readFile(path);
    const failing = async (bytes: Buffer): Promise<string> => {
      await writeFile(path, bytes);
      try {
        await read(key, data);
        return 'not detected';
      } catch (error) {
        if (!(error instanceof IntegrityError)) throw error;
        return error.problem;
      } finally {
        await writeFile(path, original);
      }
    };
    for (const offset of [0, 20, 50, HEADER_SIZE, HEADER_SIZE + SEGMENT_SIZE + 3, original.length - 1]) {
      const flipped = Buffer.from(original);
      flipped[offset] ^= 0x01;
      expect([offset, await failing(flipped)]).not.toEqual([offset, 'not detected']);
    }
    expect(await failing(original.subarray(0, original.length - 1))).toBe(
      'the stored object has the wrong length',
    );
    expect(await failing(Buffer.concat([original, Buffer.from([0])]))).toBe(
      'the stored object has the wrong length',
    );
    // Another object of the same length put in its place (E9): the key is bound to the content's hash.
    const other = randomBytes(data.length);
    const otherKey = await store(other);
    const otherBytes = await readFile(join(root, 'objects', ...otherKey.split('/')));
    expect(await failing(otherBytes)).toBe(
      'the stored object does not belong to this content (key unwrap failed)',
    );
    // The last segment removed and the header's segment count unchanged is a length error; segments
    // swapped in place fail their tags (their index is authenticated).
    const swapped = Buffer.concat([
      original.subarray(0, HEADER_SIZE),
      original.subarray(HEADER_SIZE + SEGMENT_SIZE + 16),
      original.subarray(HEADER_SIZE, HEADER_SIZE + SEGMENT_SIZE + 16),
    ]);
    expect(await failing(swapped)).toBe('segment 0 fails authentication');
  });

  it('should refuse to open bytes sealed under another master key', async () => {
    const data = randomBytes(100);
    const key = await store(data);
    const stranger = new EvidenceVault(vault.store, randomBytes(32), root);
    const sha = createHash('sha256').update(data).digest('hex');
    await expect(stranger.verify(key, sha, data.length)).resolves.toEqual({
      intact: false,
      problem: 'the stored object was sealed under another master key',
    });
  });

  it('should stop past the limit and leave no staging file behind', async () => {
    await expect(vault.stage(chunks(randomBytes(3000), 1000), 2500)).rejects.toBeInstanceOf(
      UploadTooLargeError,
    );
    const staging = await readdir(join(root, 'staging'));
    expect(staging.filter((name) => name.endsWith('.part'))).toEqual([]);
  });
});
