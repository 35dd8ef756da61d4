import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, startPortal } from './portal-process';

const MiB = 1024 * 1024;
import { acceptedRequest, fresh, storedObjects, tokenOf } from './support';

async function stagingFiles(dataDir: string): Promise<Array<{ name: string; size: number }>> {
  const staging = join(dataDir, 'evidence', 'staging');
  const names = await readdir(staging).catch(() => [] as string[]);
  return Promise.all(names.map(async (name) => ({ name, size: (await stat(join(staging, name))).size })));
}

describe('A portal process killed in the middle of an upload', () => {
  let database: TestDatabase;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
  }, 180_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await database?.drop();
  });

  it('should leave neither a row nor a visible file, and accept the upload again after restart', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    child = await startPortal(database, port);
    const portal = { baseUrl };
    const requestId = await acceptedRequest(portal);
    const token = await tokenOf(portal, 'fr.executing');

    // A multipart upload sent a mebibyte at a time, never finished.
    const boundary = `crash${randomBytes(8).toString('hex')}`;
    const upload = request(`${baseUrl}/v1/requests/${requestId}/evidence`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Idempotency-Key': randomUUID(),
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': String(64 * MiB),
      },
    });
    upload.on('error', () => undefined);
    upload.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="image.dd"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    let sent = 0;
    for (;;) {
      upload.write(randomBytes(MiB));
      sent += MiB;
      await sleep(20);
      const staged = await stagingFiles(database.env.DATA_DIR);
      if (staged.some((file) => file.size >= 4 * MiB)) break;
      if (sent > 48 * MiB) throw new Error('the upload never reached the staging area');
    }
    const exited = new Promise((resolveExit) => child?.once('exit', resolveExit));
    child.kill('SIGKILL');
    await exited;
    upload.destroy();

    // The half-received bytes are a sealed .part file in staging, outside the store; nothing in it.
    expect((await stagingFiles(database.env.DATA_DIR)).every((file) => file.name.endsWith('.part'))).toBe(
      true,
    );
    expect(await storedObjects(database.env.DATA_DIR)).toEqual([]);

    child = await startPortal(database, port);
    const executing = await fresh(portal, 'fr.executing');
    const listed = await executing.GET('/v1/requests/{id}/evidence', { params: { path: { id: requestId } } });
    expect(listed.data?.items).toEqual([]);
    const verification = await (await fresh(portal, 'auditor')).GET('/v1/audit/verify');
    expect(verification.data?.ok).toBe(true);
    const uploads = await (
      await fresh(portal, 'auditor')
    ).GET('/v1/audit/events', {
      params: { query: { action: 'evidence.upload' } },
    });
    expect(uploads.data?.items).toEqual([]);

    // The same request takes an upload normally after the restart.
    const form = new FormData();
    form.append('file', new Blob([randomBytes(2 * MiB)]), 'image.dd');
    const retry = await fetch(`${baseUrl}/v1/requests/${requestId}/evidence`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await tokenOf(portal, 'fr.executing')}`,
        'Idempotency-Key': randomUUID(),
      },
      body: form,
    });
    expect(retry.status).toBe(201);
    expect(await storedObjects(database.env.DATA_DIR)).toHaveLength(1);
  }, 180_000);
});
