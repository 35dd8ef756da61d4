import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptedRequest, sha256, storedObjects, tokenOf } from '../evidence/support';
import { freePort, startPortal } from '../evidence/portal-process';
import { createTestDatabase, describeHeavy, type TestDatabase } from '../support/database';
import {
  checkAcknowledged,
  loginAll,
  summary,
  untilReady,
  verifyAuditLog,
  WriteLoad,
  api,
  agencyIdByCode,
} from './support';

const MiB = 1024 * 1024;
/** A first start migrates and seeds; on a shared 2-core machine under load that can take a while. */
const STARTUP_MS = 120_000;

/**
 * REL-01 / REL-04 (and F15): the portal process is killed with SIGKILL while a load of writes, an
 * evidence upload and checkpoint signing are under way, then started again on the same database.
 * On the embedded engine this is PGlite's own durability under kill -9: what it acknowledged must
 * have been on disk before the answer went out.
 */
describeHeavy(
  `A portal process killed with SIGKILL under load (${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded'})`,
  () => {
    let database: TestDatabase;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      database = await createTestDatabase();
    }, 180_000);
    afterAll(async () => {
      child?.kill('SIGKILL');
      await database?.drop();
    });

    it('should keep every acknowledged write with its audit entry, leave nothing half-done, and verify after restart', async () => {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const portal = { baseUrl };
      child = await startPortal(database, port, {}, STARTUP_MS);
      const tokens = await loginAll(baseUrl);
      const frCentralAuthority = await agencyIdByCode(baseUrl, tokens['vn.officer'], 'FR-CA');
      const evidenceRequest = await acceptedRequest(portal);
      const executing = await tokenOf(portal, 'fr.executing');

      const load = new WriteLoad([baseUrl], tokens, frCentralAuthority, {
        concurrency: 4,
        // A bound on the check afterwards, high enough that writes are still under way at the kill.
        maxRequests: 100,
      }).start();
      // Checkpoints signed while entries are appended: a kill can land in the middle of one.
      let signing = true;
      const checkpoints = (async () => {
        while (signing) {
          await api(baseUrl, tokens.auditor, 'GET', '/v1/audit/checkpoints/latest').catch(() => undefined);
          await sleep(30);
        }
      })();
      await load.acknowledged(20);

      // One upload that completes (acknowledged) and one still streaming when the process dies.
      const content = randomBytes(2 * MiB);
      const form = new FormData();
      form.append('file', new Blob([content]), 'complete.bin');
      const complete = await fetch(`${baseUrl}/v1/requests/${evidenceRequest}/evidence`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${executing}`, 'Idempotency-Key': randomUUID() },
        body: form,
      });
      expect(complete.status).toBe(201);
      const acknowledgedEvidence = ((await complete.json()) as { evidence: { id: string } }).evidence.id;
      const boundary = `kill${randomBytes(8).toString('hex')}`;
      const streaming = request(`${baseUrl}/v1/requests/${evidenceRequest}/evidence`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${executing}`,
          'Idempotency-Key': randomUUID(),
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(64 * MiB),
        },
      });
      streaming.on('error', () => undefined);
      streaming.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="partial.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      for (let i = 0; i < 4; i += 1) {
        streaming.write(randomBytes(MiB));
        await sleep(30);
      }
      await load.acknowledged(10);

      const exited = new Promise((resolveExit) => child?.once('exit', resolveExit));
      child.kill('SIGKILL');
      await exited;
      streaming.destroy();
      signing = false;
      await load.stop();
      await checkpoints;

      const restarted = performance.now();
      child = await startPortal(database, port, {}, STARTUP_MS);
      const restartMs = performance.now() - restarted;
      expect(await untilReady(baseUrl, 10_000)).toBeLessThan(10_000);

      // Every acknowledged write, with its audit entry; every request in agreement with its trail.
      const fresh = await loginAll(baseUrl);
      expect(await checkAcknowledged(baseUrl, fresh, load)).toEqual([]);
      const { online, offline } = await verifyAuditLog(baseUrl, fresh.auditor);
      expect(online).toMatchObject({ ok: true });
      expect({ status: offline.status, output: offline.output }).toMatchObject({ status: 0 });

      // The acknowledged upload is there with its bytes; the one cut off left no row and no object.
      const afterToken = await tokenOf(portal, 'fr.executing');
      const listed = await api<{ items: Array<{ id: string; sha256: string }> }>(
        baseUrl,
        afterToken,
        'GET',
        `/v1/requests/${evidenceRequest}/evidence`,
      );
      expect(listed.body.items.map((item) => item.id)).toEqual([acknowledgedEvidence]);
      expect(listed.body.items[0].sha256).toBe(sha256(content));
      const verified = await api<{ intact: boolean }>(
        baseUrl,
        afterToken,
        'POST',
        `/v1/evidence/${acknowledgedEvidence}/verification`,
      );
      expect(verified.body).toMatchObject({ intact: true });
      expect(await storedObjects(database.env.DATA_DIR)).toHaveLength(1);
      const staged = await readdir(join(database.env.DATA_DIR, 'evidence', 'staging')).catch(
        () => [] as string[],
      );
      expect(staged.filter((name) => !name.endsWith('.part'))).toEqual([]);

      process.stdout.write(
        `kill -9 (${database.engine}): ${load.acks.length} writes acknowledged over ${load.requestIds.size} requests ` +
          `(${summary(load.calls)}), restart to ready ${Math.round(restartMs)} ms, ${online.checked} audit entries verified\n`,
      );
    }, 240_000);
  },
);
