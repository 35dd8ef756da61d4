import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import { EvidenceStore, StorageFailure } from './evidence-store';

export interface S3Settings {
  /** An S3-compatible service (MinIO, Ceph RGW…); absent for AWS S3 itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix of every object, so the bucket can hold other things. */
  prefix: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `bucket` in the path instead of the host name: what most self-hosted services need. */
  forcePathStyle: boolean;
}

interface Sdk {
  s3: typeof ClientS3;
  storage: typeof LibStorage;
  client: ClientS3.S3Client;
}

const MIB = 1024 * 1024;
/** Parts held in memory per upload: (queue + 1) × part size, 24 MiB with these values. */
const PART_SIZE = 8 * MIB;
const QUEUE_SIZE = 2;
/** S3's limit on the parts of one multipart upload. */
const MAX_PARTS = 10_000;

/**
 * Evidence in an S3-compatible bucket, under `prefix` + the content key.
 *
 * Write-once relies on a conditional write (`If-None-Match: *`, on PutObject and on
 * CompleteMultipartUpload): the service refuses to create a key that exists, atomically. Not every
 * S3-compatible service honours it (s3rver ignores it; older MinIO and Ceph releases too), so a
 * HeadObject comes first. On such a service two instances publishing the same content at the same
 * moment can both pass the check and both write: the later sealing replaces the earlier one. Both
 * are the same plaintext, each with its own wrapped data key in its header, so every row can still
 * read it; what is lost is EVD-02's "never overwritten" for that instant, and a reader that fetched
 * the old header before the swap fails its segment tags (an IntegrityError, never wrong bytes).
 *
 * The SDK is loaded on first use, not at import: the portal on the local store never loads it.
 */
export class S3EvidenceStore extends EvidenceStore {
  readonly kind = 's3';
  private readonly prefix: string;
  private sdk?: Promise<Sdk>;

  constructor(private readonly settings: S3Settings) {
    super();
    const prefix = settings.prefix.replace(/^\/+/, '');
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  }

  /** Loads the SDK and creates the client, so that a broken installation shows at boot. */
  async open(): Promise<void> {
    await this.load();
  }

  /** Closes the client's idle connections. */
  override async close(): Promise<void> {
    if (this.sdk) (await this.sdk).client.destroy();
    this.sdk = undefined;
  }

  async publish(stagedFile: string, key: string): Promise<boolean> {
    const objectKey = this.objectKey(key);
    try {
      const { s3, storage, client } = await this.load();
      if (await this.exists(s3, client, objectKey)) return false;
      const { size } = await stat(stagedFile);
      const upload = new storage.Upload({
        client,
        params: {
          Bucket: this.settings.bucket,
          Key: objectKey,
          Body: createReadStream(stagedFile, { highWaterMark: MIB }),
          ContentLength: size,
          ContentType: 'application/octet-stream',
          IfNoneMatch: '*',
        },
        partSize: Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB),
        queueSize: QUEUE_SIZE,
        // A failed upload must leave no parts behind (they are billed, and nothing would clean them).
        leavePartsOnError: false,
      });
      try {
        await upload.done();
        return true;
      } catch (error) {
        if (statusOf(error) === 412) return false;
        // 409: another operation on the key (a delete, a concurrent write) interfered. Only an
        // object that is there now lets the caller rely on the key.
        if (statusOf(error) === 409 && (await this.exists(s3, client, objectKey))) return false;
        throw error;
      }
    } catch (error) {
      throw new StorageFailure(`could not store the object in S3: ${reason(error)}`, error);
    }
  }

  read(key: string, start: number, end: number): Readable {
    const output = new PassThrough({ highWaterMark: MIB });
    const abort = new AbortController();
    // A reader that stops early (a client gone mid-download) must not leave the request running.
    output.once('close', () => abort.abort());
    const objectKey = this.objectKey(key);
    this.load()
      .then(({ s3, client }) =>
        client.send(
          new s3.GetObjectCommand({
            Bucket: this.settings.bucket,
            Key: objectKey,
            Range: `bytes=${start}-${end}`,
          }),
          { abortSignal: abort.signal },
        ),
      )
      .then((response) => pipeline(response.Body as Readable, output))
      .catch((error: unknown) => {
        if (!output.destroyed)
          output.destroy(new StorageFailure(`could not read the object from S3: ${reason(error)}`, error));
      });
    return output;
  }

  async size(key: string): Promise<number | undefined> {
    const objectKey = this.objectKey(key);
    try {
      const { s3, client } = await this.load();
      const head = await client.send(
        new s3.HeadObjectCommand({ Bucket: this.settings.bucket, Key: objectKey }),
      );
      return head.ContentLength;
    } catch (error) {
      // A missing key is 404 only with s3:ListBucket on the bucket; without it S3 answers 403.
      if (statusOf(error) === 404) return undefined;
      throw new StorageFailure(`could not read the object's size from S3: ${reason(error)}`, error);
    }
  }

  async remove(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      const { s3, client } = await this.load();
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: objectKey }));
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw new StorageFailure(`could not remove the object from S3: ${reason(error)}`, error);
    }
  }

  async *keys(): AsyncIterable<{ key: string; modifiedAt: Date }> {
    try {
      const { s3, client } = await this.load();
      const pages = s3.paginateListObjectsV2(
        { client },
        { Bucket: this.settings.bucket, Prefix: this.prefix },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(this.prefix.length);
          // Keys ending in "/" are folder markers that consoles create, not objects of ours.
          if (!key || key.endsWith('/') || !object.LastModified) continue;
          yield { key, modifiedAt: object.LastModified };
        }
      }
    } catch (error) {
      throw new StorageFailure(`could not list the objects in S3: ${reason(error)}`, error);
    }
  }

  private async exists(s3: typeof ClientS3, client: ClientS3.S3Client, objectKey: string): Promise<boolean> {
    try {
      await client.send(new s3.HeadObjectCommand({ Bucket: this.settings.bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  private objectKey(key: string): string {
    // Keys come from contentKey(): hex and slashes only. Anything else is a programming error.
    if (!/^[a-z0-9]+(\/[a-z0-9]+)*$/.test(key)) throw new Error(`invalid store key ${key}`);
    return this.prefix + key;
  }

  private load(): Promise<Sdk> {
    this.sdk ??= (async () => {
      const [s3, storage] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/lib-storage')]);
      const client = new s3.S3Client({
        endpoint: this.settings.endpoint,
        region: this.settings.region,
        forcePathStyle: this.settings.forcePathStyle,
        credentials: {
          accessKeyId: this.settings.accessKeyId,
          secretAccessKey: this.settings.secretAccessKey,
        },
        requestHandler: {
          connectionTimeout: 10_000,
          // Idle time on a socket: a service that stops answering fails the operation instead of
          // hanging it. A download paused by a slow client for longer than this fails too.
          socketTimeout: 120_000,
        },
      });
      return { s3, storage, client };
    })();
    return this.sdk;
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
