import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { open, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import S3rver from '@20minutes/s3rver';
import { contentKey, StorageFailure } from '../../src/modules/evidence/storage/evidence-store';
import { createEvidenceStore } from '../../src/modules/evidence/storage/create-evidence-store';
import { S3EvidenceStore, type S3Settings } from '../../src/modules/evidence/storage/s3-evidence-store';

const MIB = 1024 * 1024;
const BUCKET = 'evidence';
/**
 * s3rver ignores If-None-Match on writes. In this bucket the test server refuses, as AWS S3 does,
 * to create a key that exists (412), so the adapter's conditional-write path runs over real HTTP.
 */
const CONDITIONAL_BUCKET = 'conditional';

describe(S3EvidenceStore.name, () => {
  let dir: string;
  let server: Server;
  let settings: S3Settings;
  let store: S3EvidenceStore;
  /** Run once before the next create request for that object key reaches the server. */
  const beforeCreate = new Map<string, () => Promise<void>>();
  /** Every request the server received, as "METHOD /bucket/key?query". */
  const requests: string[] = [];
  /** Object keys whose create the conditional bucket refused. */
  const refused: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mla-s3-'));
    await mkdir(join(dir, 'staging'));
    const s3rver = new S3rver({
      directory: join(dir, 's3'),
      silent: true,
      // s3rver signs bucket-level requests over "/bucket" where SDK v3 signs "/bucket/" (ListObjectsV2),
      // so it would refuse every listing; the access key is still checked.
      allowMismatchedSignatures: true,
      configureBuckets: [{ name: BUCKET }, { name: CONDITIONAL_BUCKET }],
    });
    await s3rver.configureBuckets();
    const handle = s3rver.callback();
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      conditionalCreate(request, response, s3rver, beforeCreate, refused).then(
        (answered) => answered || handle(request, response),
        (error: Error) => response.destroy(error),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    settings = {
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      bucket: BUCKET,
      prefix: 'evidence/',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    };
    store = (await createEvidenceStore({ kind: 's3', ...settings })) as S3EvidenceStore;
  });

  afterAll(async () => {
    await store?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  async function stage(content: Buffer): Promise<{ file: string; key: string }> {
    const file = join(dir, 'staging', `${randomUUID()}.part`);
    await writeFile(file, content);
    return { file, key: contentKey(createHash('sha256').update(content).digest('hex')) };
  }

  it('should publish a staged file and read it back whole and by range', async () => {
    const content = randomBytes(300 * 1024);
    const { file, key } = await stage(content);

    await expect(store.publish(file, key)).resolves.toBe(true);

    expect(await store.size(key)).toBe(content.length);
    expect((await readAll(store.read(key, 0, content.length - 1))).equals(content)).toBe(true);
    expect((await readAll(store.read(key, 1000, 70_000))).equals(content.subarray(1000, 70_001))).toBe(true);
  });

  it('should answer false and keep the first object when the key already exists', async () => {
    const first = randomBytes(64 * 1024);
    const { file, key } = await stage(first);
    await store.publish(file, key);
    const { file: other } = await stage(randomBytes(64 * 1024));

    await expect(store.publish(other, key)).resolves.toBe(false);

    expect((await readAll(store.read(key, 0, first.length - 1))).equals(first)).toBe(true);
  });

  it('should answer undefined for the size of a missing key', async () => {
    expect(await store.size(contentKey('ab'.repeat(32)))).toBeUndefined();
  });

  it('should error the read stream of a missing key', async () => {
    await expect(readAll(store.read(contentKey('cd'.repeat(32)), 0, 99))).rejects.toBeInstanceOf(
      StorageFailure,
    );
  });

  it('should remove an object, and treat removing a missing one as done', async () => {
    const { file, key } = await stage(randomBytes(1024));
    await store.publish(file, key);

    await store.remove(key);
    await store.remove(key);

    expect(await store.size(key)).toBeUndefined();
  });

  it('should list what was published under its prefix, without the prefix', async () => {
    const listed = new S3EvidenceStore({ ...settings, prefix: `list-${randomUUID()}` });
    const neighbour = new S3EvidenceStore({ ...settings, prefix: `list-${randomUUID()}/` });
    const before = Date.now() - 60_000;
    const keys: string[] = [];
    for (let index = 0; index < 3; index++) {
      const { file, key } = await stage(randomBytes(512));
      await listed.publish(file, key);
      keys.push(key);
    }
    const { file, key: elsewhere } = await stage(randomBytes(512));
    await neighbour.publish(file, elsewhere);

    const entries: { key: string; modifiedAt: Date }[] = [];
    for await (const entry of listed.keys()) entries.push(entry);

    expect(entries.map((entry) => entry.key).sort()).toEqual(keys.sort());
    for (const entry of entries) expect(entry.modifiedAt.getTime()).toBeGreaterThan(before);
    await Promise.all([listed.close(), neighbour.close()]);
  });

  it('should round-trip a 20 MiB file through a multipart upload with the same SHA-256', async () => {
    const file = join(dir, 'staging', `${randomUUID()}.part`);
    const hash = createHash('sha256');
    const handle = await open(file, 'w');
    for (let written = 0; written < 20 * MIB; written += MIB) {
      const chunk = randomBytes(MIB);
      hash.update(chunk);
      await handle.write(chunk);
    }
    await handle.close();
    const sha256 = hash.digest('hex');
    const key = contentKey(sha256);

    await expect(store.publish(file, key)).resolves.toBe(true);

    const parts = requests.filter(
      (line) => line.startsWith(`PUT /${BUCKET}/evidence/${key}?`) && /partNumber=/.test(line),
    );
    expect(parts).toHaveLength(3);
    expect(await store.size(key)).toBe(20 * MIB);
    const readBack = createHash('sha256');
    for await (const chunk of store.read(key, 0, 20 * MIB - 1)) readBack.update(chunk as Buffer);
    expect(readBack.digest('hex')).toBe(sha256);
  });

  it.each([
    ['a single PUT', 256 * 1024],
    ['a multipart upload', 9 * MIB],
  ])(
    'should answer false, keeping the other bytes, when another writer creates the key between the check and the write (%s)',
    async (_how, length) => {
      const conditional = { ...settings, bucket: CONDITIONAL_BUCKET };
      const ours = new S3EvidenceStore(conditional);
      const theirs = new S3EvidenceStore(conditional);
      const content = randomBytes(length);
      const { file, key } = await stage(content);
      const { file: theirFile } = await stage(randomBytes(length));
      let theirResult: boolean | undefined;
      // Our existence check has passed when our write arrives; theirs lands just before it.
      beforeCreate.set(`${settings.prefix}${key}`, async () => {
        theirResult = await theirs.publish(theirFile, key);
      });

      await expect(ours.publish(file, key)).resolves.toBe(false);

      expect(theirResult).toBe(true);
      expect(refused).toContain(`${settings.prefix}${key}`);
      const stored = await readAll(ours.read(key, 0, length - 1));
      expect(stored.equals(content)).toBe(false);
      expect(stored.length).toBe(length);
      await Promise.all([ours.close(), theirs.close()]);
    },
  );
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Answers 412 to a create request (PutObject, CompleteMultipartUpload) with `If-None-Match: *` on
 * an existing key in the conditional bucket. Returns whether it answered.
 */
async function conditionalCreate(
  request: IncomingMessage,
  response: ServerResponse,
  s3rver: S3rver,
  beforeCreate: Map<string, () => Promise<void>>,
  refused: string[],
): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://s3');
  const [, bucket, ...path] = url.pathname.split('/');
  const creates =
    (request.method === 'PUT' &&
      !url.searchParams.has('partNumber') &&
      !request.headers['x-amz-copy-source']) ||
    (request.method === 'POST' && url.searchParams.has('uploadId'));
  if (bucket !== CONDITIONAL_BUCKET || !creates) return false;
  const key = decodeURIComponent(path.join('/'));
  const before = beforeCreate.get(key);
  beforeCreate.delete(key);
  await before?.();
  if (request.headers['if-none-match'] !== '*' || !(await s3rver.store.existsObject(bucket, key)))
    return false;
  refused.push(key);
  request.resume();
  response.writeHead(412, { 'content-type': 'application/xml' });
  response.end(
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
      '<Message>At least one of the pre-conditions you specified did not hold</Message>' +
      '<Condition>If-None-Match</Condition></Error>',
  );
  return true;
}
