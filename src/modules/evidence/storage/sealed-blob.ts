import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The at-rest format of one evidence object (security.md SEC-22, EVD-02): AES-256-GCM under a key
 * of its own (the data key), wrapped by the master key from configuration.
 *
 * The plaintext is cut into segments, each sealed separately with its index and a "last segment"
 * flag as associated data (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, as
 * used by age and Tink). So a range of a 2 GiB file is read by decrypting only the segments it
 * touches, every byte served has passed its segment's tag first, and segments cannot be
 * reordered, dropped or cut off at the end without detection.
 *
 * The data key is wrapped with the object's SHA-256 as associated data: two stored objects swapped
 * on disk, or a header copied from another object, fail before a single byte is decrypted.
 *
 *   header (88 bytes): magic "MLAEVD01" | segment size u32 | master key id (8) | nonce prefix (8)
 *                      | wrap IV (12) | wrapped data key (32) | wrap tag (16)
 *   segments:          ciphertext (segment size, the last one shorter or empty) | tag (16)
 */
export const MAGIC = Buffer.from('MLAEVD01', 'ascii');
export const SEGMENT_SIZE = 1024 * 1024;
export const HEADER_SIZE = 88;
const TAG_SIZE = 16;
/** The part of the header that every tag covers: magic, segment size, master key id, nonce prefix. */
const BOUND_HEADER = 28;

export class IntegrityError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'IntegrityError';
  }
}

export function masterKeyId(masterKey: Buffer): Buffer {
  return createHash('sha256')
    .update('mla-portal evidence master key\n')
    .update(masterKey)
    .digest()
    .subarray(0, 8);
}

export function segmentCount(size: number, segmentSize = SEGMENT_SIZE): number {
  return Math.max(1, Math.ceil(size / segmentSize));
}

/** Bytes on disk for `size` bytes of plaintext. */
export function sealedSize(size: number, segmentSize = SEGMENT_SIZE): number {
  return HEADER_SIZE + size + segmentCount(size, segmentSize) * TAG_SIZE;
}

function nonce(prefix: Buffer, index: number): Buffer {
  const value = Buffer.alloc(12);
  prefix.copy(value, 0, 0, 8);
  value.writeUInt32BE(index, 8);
  return value;
}

function segmentAad(bound: Buffer, index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(BOUND_HEADER + 5);
  bound.copy(aad, 0, 0, BOUND_HEADER);
  aad.writeUInt32BE(index, BOUND_HEADER);
  aad[BOUND_HEADER + 4] = last ? 1 : 0;
  return aad;
}

/**
 * Seals plaintext pushed in chunks of any size. `push` and `finish` return the sealed bytes to
 * write after the header; `header` is known only at the end, when the plaintext's hash is, and goes
 * into the space reserved at the start of the file.
 */
export class BlobSealer {
  private readonly dataKey = randomBytes(32);
  private readonly bound: Buffer;
  private readonly pending: Buffer;
  private filled = 0;
  private index = 0;

  constructor(
    private readonly masterKey: Buffer,
    private readonly segmentSize = SEGMENT_SIZE,
  ) {
    this.bound = Buffer.alloc(BOUND_HEADER);
    MAGIC.copy(this.bound, 0);
    this.bound.writeUInt32BE(segmentSize, 8);
    masterKeyId(masterKey).copy(this.bound, 12);
    randomBytes(8).copy(this.bound, 20);
    this.pending = Buffer.allocUnsafe(segmentSize);
  }

  push(chunk: Buffer): Buffer[] {
    const sealed: Buffer[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // A full segment is sealed only once more data arrives: only then is it known not to be the last.
      if (this.filled === this.segmentSize) sealed.push(this.seal(false));
      const copied = chunk.copy(this.pending, this.filled, offset);
      this.filled += copied;
      offset += copied;
    }
    return sealed;
  }

  finish(): Buffer {
    return this.seal(true);
  }

  /** The header, binding the data key to the plaintext's SHA-256. */
  header(sha256: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.concat([this.bound, sha256]));
    const wrapped = Buffer.concat([cipher.update(this.dataKey), cipher.final()]);
    return Buffer.concat([this.bound, iv, wrapped, cipher.getAuthTag()]);
  }

  private seal(last: boolean): Buffer {
    if (!last && this.filled !== this.segmentSize) throw new Error('segment not full');
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.dataKey,
      nonce(this.bound.subarray(20, 28), this.index),
    );
    cipher.setAAD(segmentAad(this.bound, this.index, last));
    const body = cipher.update(this.pending.subarray(0, this.filled));
    const sealed = Buffer.concat([body, cipher.final(), cipher.getAuthTag()]);
    this.index += 1;
    this.filled = 0;
    return sealed;
  }
}

/** Reads an object's header, checks it belongs to this master key and this content, and opens its data key. */
export function openHeader(
  header: Buffer,
  masterKey: Buffer,
  sha256: Buffer,
): { dataKey: Buffer; bound: Buffer; segmentSize: number } {
  if (header.length !== HEADER_SIZE || !header.subarray(0, 8).equals(MAGIC))
    throw new IntegrityError('the stored object has no valid header');
  if (!header.subarray(12, 20).equals(masterKeyId(masterKey)))
    throw new IntegrityError('the stored object was sealed under another master key');
  const bound = header.subarray(0, BOUND_HEADER);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, header.subarray(28, 40));
  decipher.setAAD(Buffer.concat([bound, sha256]));
  decipher.setAuthTag(header.subarray(72, 88));
  try {
    const dataKey = Buffer.concat([decipher.update(header.subarray(40, 72)), decipher.final()]);
    return { dataKey, bound: Buffer.from(bound), segmentSize: header.readUInt32BE(8) };
  } catch {
    throw new IntegrityError('the stored object does not belong to this content (key unwrap failed)');
  }
}

/** Opens segment `index` (ciphertext followed by its tag); throws IntegrityError on any change. */
export function openSegment(
  key: { dataKey: Buffer; bound: Buffer },
  index: number,
  last: boolean,
  sealed: Buffer,
): Buffer {
  if (sealed.length < TAG_SIZE) throw new IntegrityError(`segment ${index} is truncated`);
  const decipher = createDecipheriv('aes-256-gcm', key.dataKey, nonce(key.bound.subarray(20, 28), index));
  decipher.setAAD(segmentAad(key.bound, index, last));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
  } catch {
    throw new IntegrityError(`segment ${index} fails authentication`);
  }
}

/** Where segment `index` lies in the stored object, and how long it is with its tag. */
export function segmentSpan(
  size: number,
  index: number,
  segmentSize = SEGMENT_SIZE,
): { offset: number; length: number } {
  const plain = Math.min(segmentSize, size - index * segmentSize);
  return { offset: HEADER_SIZE + index * (segmentSize + TAG_SIZE), length: Math.max(0, plain) + TAG_SIZE };
}
